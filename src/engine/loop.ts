import { yieldToEventLoop } from '../lib/yield';
import type { Runner, RunStatus } from './runner';
import type { SerializedCheckpoint } from './snapshot';
import type { TraceChunk } from './trace';

/** Training slice length when a run may use less than a whole core (ms). */
const SLICE_MS = 20;

/**
 * Pause, single steps and a share of a core, set from outside while a loop runs (the worker's commands);
 * every change wakes a waiting loop. Without one, a loop runs straight through.
 */
export class RunControl {
  paused: boolean;
  /** Steps still to take while paused ("step n"). */
  budget = 0;
  /** The share of a core this run may use: below 1 it trains in slices and rests in proportion. */
  share = 1;
  private wake: (() => void) | null = null;

  constructor({ paused = false } = {}) {
    this.paused = paused;
  }

  /** Paused with no steps to take. */
  get held(): boolean {
    return this.paused && this.budget === 0;
  }

  pause(): void {
    this.paused = true;
    this.budget = 0;
    this.notify();
  }

  resume(): void {
    this.paused = false;
    this.notify();
  }

  step(n: number): void {
    this.budget += Math.max(0, Math.floor(n));
    this.notify();
  }

  setShare(share: number): void {
    this.share = Number.isFinite(share) ? Math.min(1, Math.max(0.05, share)) : 1;
    this.notify();
  }

  /** Wakes a loop waiting for a change. */
  notify(): void {
    this.wake?.();
  }

  /** Resolves at the next change. */
  changed(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve)).finally(() => (this.wake = null));
  }
}

export interface LoopOptions {
  /** Read values back and emit a chunk about this often (ms). Default 100 (≈ 10 chunks per second). */
  readonly flushMs?: number;
  /**
   * Emit a checkpoint (parameters + optimizer state) about this often (ms), and also at the start, at steps
   * 100, 200, 400, … (so a short run has points to branch from too) and at the end of a run that did not
   * diverge; 0 (the default) never.
   */
  readonly checkpointMs?: number;
  readonly signal?: AbortSignal;
  readonly control?: RunControl;
  readonly onChunk?: (chunk: TraceChunk) => void;
  /** Every change of the run's status, in order: running, paused, and one of done, diverged, stopped at the end. */
  readonly onStatus?: (status: RunStatus) => void;
  readonly onCheckpoint?: (checkpoint: SerializedCheckpoint) => void;
}

/** The first step-scheduled checkpoint; then every doubling of the step. */
const FIRST_STEP_CHECKPOINT = 100;

/**
 * THE training loop, for the page's workers, the CLI and the tests alike: steps the runner, reads values back
 * in batches about every `flushMs` (yielding to the event loop each time, so commands get handled),
 * evaluates when due and once more at the end of a finished run (unless the last evaluation fell on its last
 * step), checkpoints every `checkpointMs`, honours pause, single steps and a core share, and owns the run's
 * status: it alone sets `runner.status` and reports each change. Resolves with the final status.
 */
export async function runLoop(runner: Runner, opts: LoopOptions = {}): Promise<RunStatus> {
  const { flushMs = 100, checkpointMs = 0, signal, control = new RunControl(), onChunk, onStatus, onCheckpoint } = opts;
  const setStatus = (s: RunStatus) => {
    if (runner.status === s) return;
    runner.status = s;
    onStatus?.(s);
  };
  const flush = async () => {
    const chunk = await runner.flush();
    if (chunk) onChunk?.(chunk);
    await yieldToEventLoop();
  };
  let last = performance.now();
  let lastCheckpoint = performance.now();
  let lastCheckpointStep = -1;
  let nextCheckpointStep = FIRST_STEP_CHECKPOINT;
  const maybeCheckpoint = async (force = false) => {
    if (!onCheckpoint || checkpointMs <= 0 || runner.divergedAt !== null || runner.flushedStep === lastCheckpointStep) return;
    const byStep = runner.flushedStep >= nextCheckpointStep;
    if (!force && !byStep && performance.now() - lastCheckpoint < checkpointMs) return;
    while (nextCheckpointStep <= runner.flushedStep) nextCheckpointStep *= 2;
    lastCheckpoint = performance.now();
    lastCheckpointStep = runner.flushedStep;
    onCheckpoint(await runner.exportCheckpoint());
  };
  // Below a full share of a core, train in slices of SLICE_MS and rest in proportion after each.
  let slice = performance.now();
  const rest = async () => {
    const busy = performance.now() - slice;
    if (busy < SLICE_MS) return;
    // A slice stretched by other threads is not charged in full (the rest would then waste a core).
    await new Promise((resolve) => setTimeout(resolve, Math.min(busy, 1.5 * SLICE_MS) * (1 / control.share - 1)));
    // A pause that came in during the rest: send the steps before it first, so "paused" follows them.
    if (control.held) await flush();
    slice = performance.now();
  };
  const stopped = () => signal?.aborted === true;
  // A stop wakes a paused loop.
  const wakeOnAbort = () => control.notify();
  signal?.addEventListener('abort', wakeOnAbort);
  try {
    return await loop();
  } finally {
    signal?.removeEventListener('abort', wakeOnAbort);
  }

  async function loop(): Promise<RunStatus> {
    await maybeCheckpoint(true);
    while (!runner.finished && !stopped()) {
      setStatus(control.held ? 'paused' : 'running');
      if (control.held) {
        await flush();
        // Commands that arrived during the flush may already have resumed or stopped the run.
        if (control.held && !stopped()) await control.changed();
        slice = performance.now();
        continue;
      }
      runner.trainStep();
      if (control.budget > 0) control.budget--;
      if (runner.evalDue) {
        await flush();
        if (runner.divergedAt === null) await runner.evaluate();
        await flush();
        last = performance.now();
      } else if (performance.now() - last >= flushMs || control.held) {
        await flush();
        await maybeCheckpoint();
        last = performance.now();
      }
      if (control.share < 1) await rest();
    }
    await flush();
    const end: RunStatus = stopped() ? 'stopped' : runner.divergedAt !== null ? 'diverged' : 'done';
    // Test metrics for the end of a finished run, when the last evaluation did not fall on its last step.
    if (end === 'done' && runner.flushedStep > 0 && runner.canEvaluate && runner.lastEvaluatedStep !== runner.flushedStep) {
      await runner.evaluate();
      await flush();
    }
    if (end !== 'diverged') await maybeCheckpoint(true);
    setStatus(end);
    return end;
  }
}
