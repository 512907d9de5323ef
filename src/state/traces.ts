import { concatChunks, type TraceChunk } from '../engine/trace';

/**
 * Traces live outside React state (zustand transient updates / leva's Monitor habit): chunks are appended
 * here as they arrive, and charts read them at most a few times a second through `subscribeTraces`.
 */
const chunks = new Map<string, TraceChunk[]>();
const listeners = new Set<() => void>();
let version = 0;
let scheduled = false;

function notify(): void {
  version++;
  if (scheduled) return;
  scheduled = true;
  // Coalesce bursts of chunks into one redraw per animation frame (or per tick where there is no rAF).
  const raf = (globalThis as { requestAnimationFrame?: (f: () => void) => void }).requestAnimationFrame;
  (raf ?? ((f: () => void) => setTimeout(f, 16)))(() => {
    scheduled = false;
    for (const l of listeners) l();
  });
}

const appendListeners = new Set<(runId: string, chunk: TraceChunk) => void>();

/** Called for every chunk that arrives from a worker or is imported (persistence saves them). */
export function onChunkAppended(listener: (runId: string, chunk: TraceChunk) => void): () => void {
  appendListeners.add(listener);
  return () => appendListeners.delete(listener);
}

export function appendChunk(runId: string, chunk: TraceChunk): void {
  const list = chunks.get(runId);
  if (list) list.push(chunk);
  else chunks.set(runId, [chunk]);
  for (const l of appendListeners) l(runId, chunk);
  notify();
}

/** The whole trace of a run so far (chunks are merged lazily, on read). */
export function traceOf(runId: string): TraceChunk | null {
  const list = chunks.get(runId);
  if (!list || list.length === 0) return null;
  if (list.length > 1) chunks.set(runId, [concatChunks(list)]);
  return chunks.get(runId)![0]!;
}

/** Replaces a run's trace: an imported bundle (saved like any chunk) or a run restored from storage (not saved again). */
export function setTrace(runId: string, trace: TraceChunk, { fromStorage = false } = {}): void {
  chunks.set(runId, [trace]);
  if (!fromStorage) for (const l of appendListeners) l(runId, trace);
  notify();
}

export function clearTrace(runId: string): void {
  chunks.delete(runId);
  notify();
}

export function subscribeTraces(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function tracesVersion(): number {
  return version;
}
