import { create } from 'zustand';
import {
  DEFAULT_EXPERIMENT,
  decodeExperiment,
  encodeExperiment,
  nextRunId,
  PRESETS,
  type Experiment,
  type OptimizerName,
  type RunSpec,
} from './experiment';
import { optimizerSpec, shownDefaults } from '../optim/catalogue';
import { isLive } from '../lib/settings';
import { taskSpec } from '../tasks/catalogue';
import { setAside } from './history';
import { liveRunsAtOnce, setTimeShareWidth, useRuns, type RunCommand } from './runs';

/**
 * How runs share the machine when they outnumber its cores: `together` (the default) starts the first seed of
 * every compared optimizer at once, time-shared, so every curve moves from the start, and later seeds one per core
 * as runs end; `throughput` trains one run per core from the start, the fastest way through the whole experiment.
 */
export type Schedule = 'together' | 'throughput';

interface LabState {
  readonly experiment: Experiment;
  readonly schedule: Schedule;
  setSchedule(s: Schedule): void;
  /** Sentences about what a link or an import had to change, shown until dismissed. */
  readonly notices: readonly string[];
  setExperiment(e: Experiment, notices?: readonly string[]): void;
  update(patch: Partial<Omit<Experiment, 'v'>>): void;
  loadPreset(name: keyof typeof PRESETS): void;
  addRun(optimizer: OptimizerName): void;
  removeRunSpec(id: string): void;
  setRunOption(id: string, key: string, value: number | string): void;
  setRunOptimizer(id: string, optimizer: OptimizerName): void;
  dismissNotices(): void;
  setNotices(notices: readonly string[]): void;
  /** Starts every run × seed, each in its own worker (replacing what ran before). */
  start(opts?: { paused?: boolean }): void;
  /** A command for every live run. */
  commandAll(cmd: RunCommand): void;
  /** Removes every run and trace. */
  reset(): void;
}

/** More runs than this in one experiment would freeze a tab (each is a worker with its own tfjs). */
export const MAX_RUNS_PER_EXPERIMENT = 40;

/**
 * The memory budget: half of what the device reports (navigator.deviceMemory, in GB; 4 GB where unknown).
 * Returns a sentence when the workers that would train at once need more, else null.
 */
export function memoryProblem(
  task: string,
  concurrent: number,
  deviceGb = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory ?? 4,
): string | null {
  const perWorker = taskSpec(task)?.memoryMB ?? 100;
  const need = perWorker * concurrent;
  const budget = deviceGb * 1024 * 0.5;
  if (need <= budget) return null;
  const fit = Math.max(1, Math.floor(budget / perWorker));
  return `This experiment would train ${concurrent} runs at once, about ${need} MB, but this device has about ${Math.round(budget)} MB to spare. Lower the seeds or remove runs (about ${fit} at once fit).`;
}

/** The id of a run of spec `specId` with `seed`. */
export const runIdOf = (specId: string, seed: number) => `${specId}.${seed}`;

function initial(): { experiment: Experiment; notices: readonly string[] } {
  const hash = typeof location === 'undefined' ? '' : location.hash;
  return decodeExperiment(hash) ?? { experiment: DEFAULT_EXPERIMENT, notices: [] };
}

export const useLab = create<LabState>()((set, get) => {
  const keepInHistory = (why: string) =>
    void setAside(get().experiment, why).catch((e: unknown) => set({ notices: [(e as Error).message] }));
  const withRun = (id: string, f: (r: RunSpec) => RunSpec) =>
    get().update({ runs: get().experiment.runs.map((r) => (r.id === id ? f(r) : r)) });
  return {
    ...initial(),
    schedule: 'together',
    setSchedule: (schedule) => set({ schedule }),
    setExperiment: (experiment, notices = []) => set({ experiment, notices }),
    update: (patch) => set((s) => ({ experiment: { ...s.experiment, ...patch } })),
    loadPreset: (name) => set({ experiment: PRESETS[name]!.experiment, notices: [] }),
    addRun: (optimizer) => {
      const runs = get().experiment.runs;
      if (runs.length >= 8) return;
      get().update({ runs: [...runs, { id: nextRunId(runs), optimizer, options: {} }] });
    },
    removeRunSpec: (id) => {
      const runs = get().experiment.runs.filter((r) => r.id !== id);
      if (runs.length > 0) get().update({ runs });
    },
    setRunOption: (id, key, value) => {
      withRun(id, (r) => ({ ...r, options: { ...r.options, [key]: value } }));
      // Live: runs of this spec that are going change from their next step; the trace records it.
      const live = useRuns.getState();
      for (const runId of live.order) {
        const m = live.runs[runId]!;
        // Only settings declared live change live (the rule's own: α, γ, τ, a learning rate); the others,
        // such as a momentum coefficient, apply from the next Start.
        const going = m.status === 'running' || m.status === 'paused' || m.status === 'starting';
        const spec = optimizerSpec(m.config.optimizer)?.settings.find((s) => s.key === key);
        if (m.specId === id && going && spec && isLive(spec) && typeof value === 'number')
          live.command(runId, { setHyper: { [key]: value } });
      }
    },
    setRunOptimizer: (id, optimizer) => withRun(id, (r) => ({ ...r, optimizer, options: {} })),
    dismissNotices: () => set({ notices: [] }),
    setNotices: (notices) => set({ notices }),
    start: (opts = {}) => {
      const e = get().experiment;
      const total = e.runs.length * e.seeds;
      if (total > MAX_RUNS_PER_EXPERIMENT) {
        set({
          notices: [
            `That is ${e.runs.length} runs × ${e.seeds} seeds = ${total} runs; the lab trains at most ${MAX_RUNS_PER_EXPERIMENT} per experiment. Lower the seeds or remove runs.`,
          ],
        });
        return;
      }
      setTimeShareWidth(get().schedule === 'together' ? e.runs.length : 0);
      const memory = memoryProblem(e.task, Math.min(total, liveRunsAtOnce()));
      if (memory) {
        set({ notices: [memory] });
        return;
      }
      const runs = useRuns.getState();
      // The experiment on screen goes into the history first: a Start never throws results away.
      keepInHistory('set aside by a new Start');
      runs.removeAll();
      // Interleaved across the compared optimizers (a.1, b.1, c.1, …, then a.2, …): when runs outnumber the
      // workers, every optimizer's first seed trains first, so the comparison is on screen from the start.
      runs.startAll(
        Array.from({ length: e.seeds }, (_, k) => k).flatMap((k) =>
          e.runs.map((spec) => {
            const seed = e.seed + k;
            const defaults = shownDefaults(spec.optimizer);
            return {
              id: runIdOf(spec.id, seed),
              specId: spec.id,
              seed,
              config: {
                task: e.task,
                taskSettings: e.taskSettings,
                optimizer: spec.optimizer,
                optimizerOptions: { ...defaults, ...spec.options },
                seed,
                steps: e.steps,
                backend: e.backend,
                ...(e.stepQuality ? { stepQuality: true } : {}),
              },
            };
          }),
        ),
        opts,
      );
      // Only the first seeds are time-shared: once every optimizer has a run on screen, later seeds start one per
      // core (time-sharing all of them cost 10–25 % of throughput on 2 cores; BENCHMARKS.md).
      setTimeShareWidth(0);
    },
    commandAll: (cmd) => {
      const runs = useRuns.getState();
      for (const id of runs.order) runs.command(id, cmd);
    },
    reset: () => {
      keepInHistory('set aside by Reset');
      useRuns.getState().removeAll();
    },
  };
});

/**
 * Keeps the URL fragment in step with the experiment (replaceState: no history entry per keystroke). A change
 * is written at once (in the next task, not the keystroke's) unless one was written in the last `coalesceMs`;
 * then the newest is written when that time is up, and on pagehide (replaceState took ~7 ms a call here, every
 * keystroke in the builder).
 */
export function syncUrl(coalesceMs = 300): () => void {
  let last = '';
  let lastAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const hash = `#${encodeExperiment(useLab.getState().experiment)}`;
    lastAt = performance.now();
    if (hash !== last) {
      last = hash;
      history.replaceState(null, '', hash);
    }
  };
  // Written in a task of its own (history.replaceState costs ~7 ms), not inside the keystroke's event.
  const write = () => {
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, lastAt + coalesceMs - performance.now()));
  };
  flush();
  const unsub = useLab.subscribe((s, prev) => {
    if (s.experiment !== prev.experiment) write();
  });
  addEventListener('pagehide', flush);
  const onHash = () => {
    if (location.hash === last) return;
    const d = decodeExperiment(location.hash);
    if (d) useLab.getState().setExperiment(d.experiment, d.notices);
  };
  addEventListener('hashchange', onHash);
  return () => {
    flush();
    unsub();
    removeEventListener('pagehide', flush);
    removeEventListener('hashchange', onHash);
  };
}
