import { create } from 'zustand';
import type { RunStatus } from '../engine/runner';
import type { SerializedCheckpoint } from '../engine/snapshot';
import type { HyperEvent, TraceChunk } from '../engine/trace';
import type { BackendName, FromWorker, RunConfig } from '../worker/protocol';
import { defaultPoolSize, WorkerPool } from '../worker/pool';
import { chunkStats, forget, receiveChunk, whenVisible } from './runChunks';
import { statsBatcher } from './runStats';
import { appendChunk, clearTrace, setTrace } from './traces';

export { lastRow, setChunkSaver } from './runChunks';

/** What the page shows about a run (its trace lives in state/traces, outside React). */
export interface RunMeta {
  readonly id: string;
  /** The experiment's run spec this run belongs to, and its seed. */
  readonly specId: string;
  readonly seed: number;
  readonly config: RunConfig;
  readonly status: RunStatus | 'starting' | 'imported' | 'interrupted' | 'queued';
  readonly backend: BackendName | null;
  readonly fallbackReason: string | null;
  readonly tfjs: string | null;
  readonly adapter: string | null;
  readonly description: string;
  readonly stepsPerEpoch: number;
  readonly step: number;
  /** The last value of every series column (the loss and each diagnostic the run records), by its name. */
  readonly last: Readonly<Record<string, number>>;
  readonly bestLoss: number | null;
  readonly stepsPerSecond: number | null;
  readonly testAccuracy: number | null;
  readonly testLoss: number | null;
  readonly divergedAt: number | null;
  readonly reason: string | null;
  readonly errors: readonly string[];
  readonly hyper: Readonly<Record<string, number | boolean | null>>;
  /** For an interrupted run: the step of the checkpoint it can resume from, or null. */
  readonly resumableFrom: number | null;
  /** For a branch: the run it continues and the step of the checkpoint it starts from. */
  readonly branch?: { readonly from: string; readonly step: number };
  /** The loss at its first step (a branch: at its first step after the branch point), or absent before it. */
  readonly firstLoss?: number;
  /** The live changes of its settings, each with the step it applied from, as its trace records them. */
  readonly changes?: readonly HyperEvent[];
  /** A run of an experiment from the history shown beside the current one (its title): drawn dashed, not part of this experiment. */
  readonly overlay?: string;
}

export interface StartOptions {
  paused?: boolean;
  /** Resume from this checkpoint, keeping `trace` (already cut at the checkpoint's step) as the run's past. */
  resume?: SerializedCheckpoint;
  trace?: TraceChunk;
  /** Start a branch of another run (state/branches.ts) from `resume`, with an empty trace of its own. */
  branch?: { readonly from: string; readonly step: number };
}

export type RunCommand = 'pause' | 'resume' | 'stop' | { step: number } | { setHyper: Record<string, number> };

interface RunsState {
  readonly runs: Readonly<Record<string, RunMeta>>;
  readonly order: readonly string[];
  startRun(id: string, specId: string, seed: number, config: RunConfig, opts?: StartOptions): void;
  /**
   * Starts runs through a pool sized to the machine: at most `maxConcurrentRuns()` workers train at once
   * (more only slow every run down); the rest wait as "queued" and start as others finish.
   */
  startAll(list: { id: string; specId: string; seed: number; config: RunConfig }[], opts?: StartOptions): void;
  /** Adds a finished run from an imported bundle. */
  addImported(
    meta: Omit<RunMeta, 'status' | 'errors'> & { status: RunMeta['status'] },
    trace: TraceChunk,
    opts?: { fromStorage?: boolean },
  ): void;
  command(id: string, cmd: RunCommand): void;
  removeRun(id: string): void;
  removeAll(): void;
}

export { setWorkerFactory, type WorkerLike } from '../worker/spawn';
export { workerShare } from '../worker/pool';

/** The lab's one worker pool: its runs and the tuning grid (state/tuning.ts) share it. */
export const labPool = new WorkerPool(() => Math.max(defaultPoolSize(), timeShareWidth));

/**
 * Time-sharing: with more compared optimizers than cores, the lab starts one run of each at
 * once, every worker on its share of the CPU (`workerShare`), so that all their curves move together; 0 keeps
 * one worker per core (the lab sets it back to 0 once the first seeds have started; state/lab.ts).
 */
let timeShareWidth = 0;
export function setTimeShareWidth(n: number): void {
  timeShareWidth = Math.max(0, Math.min(8, Math.floor(n)));
}
/** Workers the lab may run at once now. */
export const liveRunsAtOnce = (): number => Math.max(defaultPoolSize(), timeShareWidth);

/** Workers that may train at once (see `defaultPoolSize`). */
export const maxConcurrentRuns = defaultPoolSize;

const checkpointListeners = new Set<(id: string, cp: SerializedCheckpoint) => void>();

/** Called with every checkpoint a worker sends (persistence saves the latest per run). */
export function onCheckpoint(listener: (id: string, cp: SerializedCheckpoint) => void): () => void {
  checkpointListeners.add(listener);
  return () => checkpointListeners.delete(listener);
}

/** Fault injection for tests: kills a run's worker without telling anyone, as an out-of-memory kill would. */
export function killWorker(id: string): boolean {
  return labPool.kill(id);
}

/** A run's metadata before its worker has said anything. */
export const blankRun = (id: string, specId: string, seed: number, config: RunConfig): RunMeta => ({
  id,
  specId,
  seed,
  config,
  status: 'starting',
  backend: null,
  fallbackReason: null,
  tfjs: null,
  adapter: null,
  description: '',
  stepsPerEpoch: 1,
  step: 0,
  last: {},
  bestLoss: null,
  stepsPerSecond: null,
  testAccuracy: null,
  testLoss: null,
  divergedAt: null,
  reason: null,
  errors: [],
  hyper: {},
  resumableFrom: null,
});

/** How often streamed statistics reach the run table (ms). */
const STATS_MS = 250;

export const useRuns = create<RunsState>()((set, get) => {
  const stats = statsBatcher(set, STATS_MS);
  const patch = (id: string, p: Partial<RunMeta> | ((r: RunMeta) => Partial<RunMeta>)) => {
    stats.flush();
    set((s) => {
      const r = s.runs[id];
      if (!r) return s;
      return { runs: { ...s.runs, [id]: { ...r, ...(typeof p === 'function' ? p(r) : p) } } };
    });
  };
  /** A chunk from a worker: saved, then drawn, then its statistics reach the run's row (batched). */
  const onChunk = (id: string, c: TraceChunk) =>
    receiveChunk(id, c, () => {
      appendChunk(id, c);
      stats.patch(id, chunkStats(id, c));
    });
  return {
    runs: {},
    order: [],
    startAll(list, opts = {}) {
      for (const r of list) get().startRun(r.id, r.specId, r.seed, r.config, opts);
    },
    startRun(id, specId, seed, config, opts = {}) {
      const at = get().order.indexOf(id);
      // A resumed run stays what it was, in storage too (its saved trace is already cut at the checkpoint):
      // it is replaced in place, never removed. Any other start replaces the run and its trace.
      if (opts.resume) {
        labPool.cancel(id);
        stats.drop(id);
        forget(id);
        clearTrace(id);
      } else get().removeRun(id);
      // A restarted run keeps its place in the table; it waits as "queued" until the pool has a worker for it.
      set((s) => {
        const order = s.order.filter((x) => x !== id);
        order.splice(at >= 0 ? at : order.length, 0, id);
        const meta: RunMeta = { ...blankRun(id, specId, seed, config), status: 'queued', ...(opts.branch ? { branch: opts.branch } : {}) };
        return { order, runs: { ...s.runs, [id]: meta } };
      });
      if (opts.resume && opts.trace) {
        setTrace(id, opts.trace, { fromStorage: true });
        patch(id, { step: opts.resume.step });
      } else if (opts.branch && opts.resume) patch(id, { step: opts.resume.step });
      labPool.submit({
        id,
        config,
        ...(opts.paused !== undefined ? { paused: opts.paused } : {}),
        ...(opts.resume ? { resume: opts.resume } : {}),
        onLaunch: () => patch(id, { status: 'starting' }),
        callbacks: {
          onStarted: (m) =>
            patch(id, {
              backend: m.backend,
              fallbackReason: m.fallbackReason,
              description: m.description,
              hyper: m.hyper,
              tfjs: m.tfjs,
              adapter: m.adapter,
              stepsPerEpoch: m.stepsPerEpoch,
            }),
          onChunk: (c) => onChunk(id, c),
          // A status follows the chunks sent before it: show it once they are visible.
          onStatus: (m) =>
            void whenVisible(id).then(() => patch(id, { status: m.status, divergedAt: m.divergedAt, reason: m.reason ?? null })),
          onError: (message) => patch(id, (r) => ({ errors: [...r.errors, message] })),
          onCheckpoint: (cp) => {
            for (const l of checkpointListeners) l(id, cp);
          },
        },
      });
    },
    addImported(meta, trace, opts = {}) {
      get().removeRun(meta.id);
      setTrace(meta.id, trace, opts);
      set((s) => ({ order: [...s.order, meta.id], runs: { ...s.runs, [meta.id]: { ...meta, errors: [] } } }));
    },
    command(id, cmd) {
      const queued = labPool.isQueued(id);
      labPool.command(id, cmd);
      if (cmd === 'stop' && queued) patch(id, { status: 'stopped' });
    },
    removeRun(id) {
      labPool.cancel(id);
      stats.drop(id);
      forget(id);
      if (!get().runs[id]) return;
      clearTrace(id);
      set((s) => {
        const runs = { ...s.runs };
        delete runs[id];
        return { runs, order: s.order.filter((x) => x !== id) };
      });
    },
    removeAll() {
      for (const id of [...get().order]) get().removeRun(id);
    },
  };
});
