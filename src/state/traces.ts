import { compact, concatChunks, type TraceChunk } from '../engine/trace';

/**
 * Rows kept at full resolution per run; older rows are thinned (see `compact`), so a million-step run holds
 * at most ~2·FULL_ROWS rows in memory. The saved copy in IndexedDB keeps every row.
 */
export const FULL_ROWS = 50_000;

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

const importListeners = new Set<(runId: string, trace: TraceChunk) => void>();

/** Called for every trace imported from a bundle (persistence saves it; streamed chunks go through the gate). */
export function onTraceImported(listener: (runId: string, trace: TraceChunk) => void): () => void {
  importListeners.add(listener);
  return () => importListeners.delete(listener);
}

/**
 * Persistence installs a gate: a chunk becomes visible only once it is saved, so every point the page has
 * shown survives a reload. (A failed save still shows the chunk; the failure becomes a notice.)
 */
let gate: ((runId: string, chunk: TraceChunk) => Promise<void>) | null = null;
const queues = new Map<string, Promise<void>>();
export function setAppendGate(g: typeof gate): void {
  gate = g;
}

/** Bumped when a run's trace is cleared, so a save that completes afterwards does not bring it back. */
const generation = new Map<string, number>();

function insert(runId: string, chunk: TraceChunk): void {
  const list = chunks.get(runId);
  if (list) {
    list.push(chunk);
    // Merge now and then even when nobody reads, so memory stays bounded (and merges stay cheap).
    if (list.length > 64) chunks.set(runId, [compact(concatChunks(list), FULL_ROWS)]);
  } else chunks.set(runId, [chunk]);
  notify();
}

/** Adds a chunk to a run's trace; resolves when it is visible (after it is saved, when persistence is on). */
export function appendChunk(runId: string, chunk: TraceChunk): Promise<void> {
  if (!gate) {
    insert(runId, chunk);
    return Promise.resolve();
  }
  const g = gate;
  const gen = generation.get(runId) ?? 0;
  // Chunks of one run become visible in order, each after its own save.
  const next: Promise<void> = (queues.get(runId) ?? Promise.resolve())
    .then(() => g(runId, chunk))
    .catch(() => undefined)
    .then(() => {
      if (queues.get(runId) === next) queues.delete(runId);
      if ((generation.get(runId) ?? 0) === gen) insert(runId, chunk);
    });
  queues.set(runId, next);
  return next;
}

/** The whole trace of a run so far (chunks are merged lazily, on read). */
export function traceOf(runId: string): TraceChunk | null {
  const list = chunks.get(runId);
  if (!list || list.length === 0) return null;
  if (list.length > 1) chunks.set(runId, [compact(concatChunks(list), FULL_ROWS)]);
  return chunks.get(runId)![0]!;
}

/** Resolves once every chunk appended so far for the run is visible (saved, when persistence is on). */
export function whenVisible(runId: string): Promise<void> {
  return queues.get(runId) ?? Promise.resolve();
}

/** Replaces a run's trace: an imported bundle (saved like any chunk) or a run restored from storage (not saved again). */
export function setTrace(runId: string, trace: TraceChunk, { fromStorage = false } = {}): void {
  chunks.set(runId, [compact(trace, FULL_ROWS)]);
  if (!fromStorage) for (const l of importListeners) l(runId, trace);
  notify();
}

export function clearTrace(runId: string): void {
  chunks.delete(runId);
  generation.set(runId, (generation.get(runId) ?? 0) + 1);
  queues.delete(runId);
  notify();
}

export function subscribeTraces(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function tracesVersion(): number {
  return version;
}
