import * as tf from '@tensorflow/tfjs';
import {
  applyStep,
  columnSpec,
  diagnosticsOf,
  disposeState,
  judgesOnDevice,
  makeOptimizer,
  optimizerSpec,
  setHyper,
  skipNonFinite,
  SKIPPED_STEPS,
  type DiagnosticSpec,
  type Hyper,
  type Transform,
} from '../optim';
import type { OptState } from '../optim';
import type { Evaluation, Task } from '../tasks';
import { deserialize, serialize, tensorData, type SerializedCheckpoint } from './snapshot';
import { retrainSlice, Snapshot, type SliceHost } from './sliceReplay';
import { STEP_QUALITY_COLUMNS, stepQualityOf } from './stepQuality';
import { allocChunk, type EvalPoint, type HyperEvent, type TraceChunk } from './trace';

/**
 * The diagnostics a transform records, in the catalogue's order when it is a catalogued optimizer; any the
 * state has beyond those (a hand-built `l4(direction)`, say) follow under their own names.
 */
export function diagnosticsOfTransform(name: string, inState: readonly string[]): DiagnosticSpec[] {
  const declared = optimizerSpec(name) ? diagnosticsOf(name).filter((d) => inState.includes(d.key)) : [];
  const rest = inState.filter((k) => !declared.some((d) => d.key === k)).map((k) => columnSpec(k));
  return [...declared, ...rest];
}

/** How a run ends, or where it stands. */
export type RunStatus = 'idle' | 'running' | 'paused' | 'done' | 'diverged' | 'stopped' | 'failed';

export interface RunnerOptions {
  /** Total steps to train. */
  readonly steps: number;
  /** Evaluate on held-out data every this many steps (0: never). Defaults to once per epoch for tasks with an epoch. */
  readonly evalEvery?: number;
  /**
   * Step quality (after Cockpit's step-size gauge): per step, the loss decrease the linearisation predicts for the
   * step taken, −gᵀΔθ, against the decrease measured on the same batch, L(θ) − L(θ + Δθ), and their ratio. One
   * extra forward pass per step; off by default.
   */
  readonly stepQuality?: boolean;
  /**
   * A run whose optimizer skips this many steps in a row (non-finite gradients or loss: optim/skip.ts) stops as
   * diverged, its reason said. Default 50; the steps of the streak stay in the trace.
   */
  readonly maxConsecutiveSkips?: number;
}

/** The default of `RunnerOptions.maxConsecutiveSkips`. */
export const MAX_CONSECUTIVE_SKIPS = 50;

/**
 * The training loop of one run, shared by the worker, the CLI and the tests. `trainStep` queues a step
 * without reading anything back; `flush` reads every queued step's loss and diagnostics in one transfer,
 * turns them into a trace chunk, and ends the run as `diverged` at the first non-finite loss.
 */
export class Runner {
  readonly transform: Transform;
  status: RunStatus = 'idle';
  /** Steps queued so far (the next step's index). */
  step = 0;
  /** Steps whose values have been read back. */
  flushedStep = 0;
  /** The first step of the streak of skipped steps that ended the run, or null. */
  divergedAt: number | null = null;
  /** Why the run diverged, in words, or null. */
  divergedReason: string | null = null;
  /** Steps skipped so far, as the last step read back counts them (null: not known since a restore). */
  private skipTotal: number | null = 0;
  /** The current streak of skipped steps. */
  private streak = 0;
  private state: OptState;
  /** The diagnostics this run records, one trace column each, as its optimizer declares them (optim/catalogue.ts). */
  readonly diagnostics: readonly DiagnosticSpec[];
  private readonly diagNames: string[];
  /** How many of `diagNames` the optimizer's state holds (the step-quality columns follow them). */
  private readonly ownDiagnostics: number;
  /** Parameters recorded per step (tiny tasks only), else 0. */
  readonly thetaDim: number;
  private pending: tf.Tensor[] = [];
  private pendingWall: number[] = [];
  /**
   * The parameters and optimizer state before the steps queued since the last flush (clones: they share their data),
   * kept while the optimizer judges its steps on the device, to train them again when one was skipped (`retrain`).
   */
  private sliceStart: Snapshot | null = null;
  private events: HyperEvent[] = [];
  private evals: EvalPoint[] = [];
  /** The step of the last evaluation on held-out data, or −1. */
  lastEvaluatedStep = -1;
  private readonly t0 = performance.now();
  /** Milliseconds spent evaluating on held-out data so far: left out of the wall time (trace.ts). */
  private evalMs = 0;
  readonly evalEvery: number;

  constructor(
    readonly task: Task,
    optimizer: string | Transform,
    optimizerOptions: Record<string, unknown> = {},
    readonly options: RunnerOptions,
  ) {
    this.transform = typeof optimizer === 'string' ? makeOptimizer(optimizer, optimizerOptions) : skipNonFinite(optimizer);
    this.state = this.transform.init(task.params);
    const own = diagnosticsOfTransform(this.transform.config.name, Object.keys(this.state.diagnostics));
    this.diagnostics = options.stepQuality ? [...own, ...STEP_QUALITY_COLUMNS.map((k) => columnSpec(k))] : own;
    this.diagNames = this.diagnostics.map((d) => d.key);
    this.ownDiagnostics = own.length;
    const size = task.params.reduce((a, p) => a + p.size, 0);
    this.thetaDim = size <= 4 ? size : 0;
    this.evalEvery = options.evalEvery ?? task.evalEvery ?? (task.evaluate && task.stepsPerEpoch > 1 ? task.stepsPerEpoch : 0);
  }

  get finished(): boolean {
    return this.step >= this.options.steps || this.divergedAt !== null;
  }

  get hyper(): Hyper {
    return this.state.hyper;
  }

  /** One optimizer step, queued on the device; nothing is read back. */
  trainStep(): void {
    if (this.finished) return;
    if (this.pending.length === 0 && this.sliceStart === null && judgesOnDevice(this.transform)) {
      this.sliceStart = Snapshot.take(this.step, this.task.params, this.state);
    }
    this.pending.push(this.takeStep());
    this.pendingWall.push(performance.now() - this.t0 - this.evalMs);
  }

  /**
   * Takes step `this.step` (and advances it): the state moves on; returns the step's row for the trace. While the
   * optimizer judges on the device (a slice's start is kept) the step is `unguarded`: a skipped step is put right by
   * `retrain` (sliceReplay.ts). `skip`: the flags of a step known to be skipped.
   */
  private takeStep(skip?: number): tf.Tensor {
    const k = this.step;
    const inputs = { unguarded: this.sliceStart !== null || skip !== undefined, ...(skip ? { skip } : {}) };
    const row = tf.tidy(() => {
      const f = this.task.batchLoss(k);
      const { value, grads } = tf.variableGrads(f, this.task.params);
      const g = this.task.params.map((p) => grads[p.name]!);
      const before = this.options.stepQuality ? this.task.params.map((p) => tf.clone(p)) : null;
      this.state = applyStep(this.transform, this.task.params, g, this.state, { loss: value, ...inputs });
      const d = this.state.diagnostics;
      const own = this.diagNames.slice(0, this.ownDiagnostics).map((n) => d[n]!);
      const quality = before ? stepQualityOf(this.task.params, before, g, value, f) : [];
      const row = tf.stack([value, ...own, ...quality]);
      return this.thetaDim ? tf.concat([row, ...this.task.params.map((p) => tf.reshape(p, [-1]))]) : row;
    });
    this.step = k + 1;
    return row;
  }

  /** The rows to record: `values` itself, or the slice trained again when a step of it was skipped (sliceReplay.ts). */
  private async retrain(values: Float32Array, width: number, rows: number): Promise<Float32Array> {
    const start = this.sliceStart;
    this.sliceStart = null;
    if (!start) return values;
    const col = 1 + this.diagNames.indexOf(SKIPPED_STEPS);
    if (col === 0) {
      start.dispose();
      return values;
    }
    const skippedBefore = this.skipTotal ?? ((await start.state.diagnostics[SKIPPED_STEPS]!.data())[0] as number);
    const runner = this;
    const host: SliceHost = {
      params: this.task.params,
      get state() {
        return runner.state;
      },
      set state(s) {
        runner.state = s;
      },
      get step() {
        return runner.step;
      },
      set step(k) {
        runner.step = k;
      },
      takeStep: (skip) => this.takeStep(skip),
      replayEvents: (step) => this.replayEvents(step),
    };
    return retrainSlice(host, start, values, { width, rows, col, flagsCol: 1 + this.diagNames.indexOf('flags'), skippedBefore });
  }

  /** Applies again the hyperparameter changes recorded at `step` (made before it was taken). */
  private replayEvents(step: number): void {
    for (const e of this.events) if (e.step === step) this.state = setHyper(this.transform, this.state, e.patch);
  }

  /** Whether an evaluation is due once the steps queued so far are flushed. */
  get evalDue(): boolean {
    return this.evalEvery > 0 && this.step > 0 && this.step % this.evalEvery === 0;
  }

  /** Whether the task has held-out data to evaluate on. */
  get canEvaluate(): boolean {
    return this.task.evaluate !== undefined;
  }

  /**
   * Evaluates on held-out data now (one readback) and records it: at the optimizer's evaluation point when it has
   * one (Schedule-Free's x, DoG's average), with the trained parameters' figures beside it as `raw`.
   */
  async evaluate(): Promise<EvalPoint | null> {
    if (!this.task.evaluate) return null;
    const started = performance.now();
    try {
      return await this.evaluateNow();
    } finally {
      this.evalMs += performance.now() - started;
    }
  }

  private async evaluateNow(): Promise<EvalPoint> {
    const raw = await this.task.evaluate!();
    const point: EvalPoint = { step: this.flushedStep, epoch: this.flushedStep / this.task.stepsPerEpoch, ...raw };
    const at = this.transform.evalPoint;
    if (at && this.state.count > 0) {
      const params = at.params(this.state, this.task.params);
      try {
        Object.assign(point, await this.evaluateAt(params), { at: at.name, raw });
      } finally {
        tf.dispose(params);
      }
    }
    this.lastEvaluatedStep = this.flushedStep;
    this.evals.push(point);
    return point;
  }

  /** The task's evaluation with its parameters set to `point` for the while, then put back. */
  private async evaluateAt(point: readonly tf.Tensor[]): Promise<Evaluation> {
    const params = this.task.params;
    const saved = params.map((p) => tf.clone(p));
    params.forEach((p, i) => p.assign(point[i]!));
    try {
      return await this.task.evaluate!();
    } finally {
      params.forEach((p, i) => p.assign(saved[i]!));
      tf.dispose(saved);
    }
  }

  /**
   * Reads the queued steps back in one `await data()` and returns them as a chunk (null when nothing was
   * queued). A non-finite loss ends the run as diverged at that step; later queued steps are dropped.
   */
  async flush(): Promise<TraceChunk | null> {
    if (this.pending.length === 0 && this.events.length === 0 && this.evals.length === 0) return null;
    const rows = this.pending;
    const wall = this.pendingWall;
    this.pending = [];
    this.pendingWall = [];
    let values: Float32Array = new Float32Array(0);
    if (rows.length > 0) {
      const all = tf.concat(rows);
      values = (await all.data()) as Float32Array;
      tf.dispose([all, ...rows]);
    }
    const dw = 1 + this.diagNames.length;
    const width = dw + this.thetaDim;
    values = await this.retrain(values, width, rows.length);
    const n = this.endOfRun(values, width, rows.length);
    const chunk = allocChunk(n, this.diagNames);
    const c = chunk.columns;
    for (let i = 0; i < n; i++) {
      c.step[i] = this.flushedStep + i;
      c.loss[i] = values[i * width]!;
      c.wallTime[i] = wall[i]!;
      this.diagNames.forEach((name, j) => {
        c[name]![i] = values[i * width + 1 + j]!;
      });
    }
    if (this.thetaDim) {
      chunk.theta = new Float64Array(n * this.thetaDim);
      chunk.thetaDim = this.thetaDim;
      for (let i = 0; i < n; i++) for (let k = 0; k < this.thetaDim; k++) chunk.theta[i * this.thetaDim + k] = values[i * width + dw + k]!;
    }
    this.flushedStep += n;
    if (this.divergedAt !== null) this.step = this.flushedStep;
    chunk.events.push(...this.events);
    chunk.evals.push(...this.evals);
    this.events = [];
    this.evals = [];
    return chunk;
  }

  /**
   * How many of the `rows` read back count: all of them, or up to the step at which the run diverged. A step is
   * skipped when the optimizer's `skippedSteps` counter rises; `maxConsecutiveSkips` of them in a row end the run
   * at the first of them. Without the counter (a state restored from before it existed) a non-finite loss ends it.
   */
  private endOfRun(values: Float32Array, width: number, rows: number): number {
    const col = this.diagNames.indexOf(SKIPPED_STEPS);
    const max = this.options.maxConsecutiveSkips ?? MAX_CONSECUTIVE_SKIPS;
    for (let i = 0; i < rows; i++) {
      const loss = values[i * width]!;
      if (col < 0) {
        if (Number.isFinite(loss)) continue;
        this.divergedAt = this.flushedStep + i;
        this.divergedReason = `the loss was ${loss} at step ${this.divergedAt}`;
        return i + 1;
      }
      const total = values[i * width + 1 + col]!;
      this.streak = this.skipTotal !== null && total > this.skipTotal ? this.streak + 1 : 0;
      this.skipTotal = total;
      if (this.streak >= max) {
        this.divergedAt = this.flushedStep + i + 1 - this.streak;
        this.divergedReason =
          `${this.streak} steps in a row were skipped from step ${this.divergedAt} on ` +
          `(non-finite ${Number.isFinite(loss) ? 'gradients' : `loss: ${loss}`}); the parameters are those before step ${this.divergedAt}`;
        return i + 1;
      }
    }
    return rows;
  }

  /** Changes hyperparameters from the next step on (validated) and records the change in the trace. */
  setHyper(patch: Record<string, number>): void {
    this.state = setHyper(this.transform, this.state, patch);
    this.events.push({ step: this.step, patch: { ...patch } });
  }

  /**
   * The parameters and optimizer state after the steps flushed so far, as plain data (for resuming after a
   * reload). Call it right after `flush`, when no step is queued.
   */
  async exportCheckpoint(): Promise<SerializedCheckpoint> {
    if (this.pending.length > 0) throw new Error('exportCheckpoint needs every queued step flushed first.');
    const at = this.transform.evalPoint;
    const point = at && this.state.count > 0 ? at.params(this.state, this.task.params) : null;
    try {
      return {
        step: this.flushedStep,
        params: await Promise.all(this.task.params.map(tensorData)),
        state: await serialize(this.state),
        ...(point ? { evalParams: { at: at!.name, params: await Promise.all(point.map(tensorData)) } } : {}),
      };
    } finally {
      if (point) tf.dispose(point);
    }
  }

  /** Continues from a checkpoint of a run with the same task, seed and optimizer. */
  restoreCheckpoint(cp: SerializedCheckpoint): void {
    if (cp.params.length !== this.task.params.length || cp.params.some((p, i) => p.shape.join() !== this.task.params[i]!.shape.join())) {
      throw new Error('The checkpoint does not fit this task: its parameters have other shapes.');
    }
    tf.dispose(this.pending);
    this.pending = [];
    this.pendingWall = [];
    this.dropSliceStart();
    this.task.params.forEach((p, i) => {
      const d = cp.params[i]!;
      const t = tf.tensor(d.data, d.shape, d.dtype);
      p.assign(t);
      t.dispose();
    });
    const restored = deserialize(cp.state) as OptState;
    disposeState(this.state);
    this.state = restored;
    this.step = cp.step;
    this.flushedStep = cp.step;
    this.streak = 0;
    this.skipTotal = null;
  }

  private dropSliceStart(): void {
    this.sliceStart?.dispose();
    this.sliceStart = null;
  }

  dispose(): void {
    tf.dispose(this.pending);
    this.pending = [];
    this.dropSliceStart();
    disposeState(this.state);
    this.task.dispose();
  }
}
