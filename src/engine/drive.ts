import type { TraceChunk } from './trace';
import type { Runner } from './runner';

export interface DriveOptions {
  /** Read values back and emit a chunk about this often (ms). */
  readonly flushMs?: number;
  readonly onChunk?: (chunk: TraceChunk) => void;
  readonly signal?: AbortSignal;
}

/**
 * Runs a runner to its end (Node and tests; the worker has its own loop with pause and step). Reads back
 * in batches about every `flushMs`, evaluates when due, and leaves the status `done`, `diverged` or
 * `stopped`. Yields to the event loop at every flush.
 */
export async function drive(runner: Runner, { flushMs = 100, onChunk, signal }: DriveOptions = {}): Promise<void> {
  runner.status = 'running';
  let last = performance.now();
  const flush = async () => {
    const chunk = await runner.flush();
    if (chunk) onChunk?.(chunk);
    last = performance.now();
  };
  while (!runner.finished) {
    if (signal?.aborted) {
      runner.status = 'stopped';
      break;
    }
    runner.trainStep();
    if (runner.evalDue) {
      await flush();
      if (runner.divergedAt === null) {
        await runner.evaluate();
        await flush();
      }
    } else if (performance.now() - last >= flushMs) await flush();
  }
  await flush();
  if (runner.status === 'running') runner.status = 'done';
}
