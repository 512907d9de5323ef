import { concatChunks, type TraceChunk } from '../engine/trace';

/**
 * Traces live outside React state (zustand transient updates / leva's Monitor habit): chunks are appended
 * here as they arrive, and views read them when they draw.
 */
const chunks = new Map<string, TraceChunk[]>();

export function appendChunk(runId: string, chunk: TraceChunk): void {
  const list = chunks.get(runId);
  if (list) list.push(chunk);
  else chunks.set(runId, [chunk]);
}

export function traceOf(runId: string): TraceChunk | null {
  const list = chunks.get(runId);
  if (!list || list.length === 0) return null;
  if (list.length > 1) chunks.set(runId, [concatChunks(list)]);
  return chunks.get(runId)![0]!;
}

export function clearTrace(runId: string): void {
  chunks.delete(runId);
}
