import { create } from 'zustand';
import { hasLearningRate, optimizerSpecs, shownDefaults } from '../optim/catalogue';
import { useLab } from './lab';
import { labPool } from './runs';

/** One grid point × seed of a tuning sweep. */
export interface TuneResult {
  readonly lr: number;
  readonly seed: number;
  readonly status: 'queued' | 'running' | 'done' | 'diverged' | 'failed';
  /** Mean loss over the last tenth of the budget (∞ when diverged). */
  readonly final: number | null;
}

export interface TuneSummary {
  readonly lr: number;
  /** Log-space mean of the seeds' final losses (∞ if any diverged). */
  readonly score: number;
}

interface TuningState {
  readonly specId: string | null;
  readonly status: 'idle' | 'running' | 'done' | 'cancelled';
  readonly results: readonly TuneResult[];
  readonly best: TuneSummary | null;
  readonly error: string | null;
  /** Sweeps `points` log-spaced learning rates in [lo, hi] for a baseline run, over the experiment's seeds and budget. */
  tune(specId: string, lo: number, hi: number, points: number): void;
  cancel(): void;
}

/** `points` learning rates spaced evenly in log space from lo to hi (3 significant digits). */
export function logGrid(lo: number, hi: number, points: number): number[] {
  if (points === 1) return [lo];
  return Array.from({ length: points }, (_, i) =>
    Number(Math.exp(Math.log(lo) + (i * (Math.log(hi) - Math.log(lo))) / (points - 1)).toPrecision(3)),
  );
}

/** The paper's protocol: per rate, the log-space mean of the seeds' final losses; the lowest wins. */
export function summarize(results: readonly TuneResult[]): TuneSummary[] {
  const byLr = new Map<number, number[]>();
  for (const r of results) {
    if (r.final === null) continue;
    byLr.set(r.lr, [...(byLr.get(r.lr) ?? []), r.final]);
  }
  return [...byLr.entries()]
    .map(([lr, finals]) => ({
      lr,
      score: finals.some((f) => !Number.isFinite(f))
        ? Infinity
        : Math.exp(finals.reduce((a, f) => a + Math.log(Math.max(f, 1e-45)), 0) / finals.length),
    }))
    .sort((a, b) => a.lr - b.lr);
}

const TUNE_PREFIX = 'tune:';

/** Drops every tuning job from the lab's pool. */
function stopAll(): void {
  labPool.cancelAll((id) => id.startsWith(TUNE_PREFIX));
}

export const useTuning = create<TuningState>()((set, get) => ({
  specId: null,
  status: 'idle',
  results: [],
  best: null,
  error: null,
  cancel() {
    stopAll();
    if (get().status === 'running') set({ status: 'cancelled' });
  },
  tune(specId, lo, hi, points) {
    stopAll();
    const e = useLab.getState().experiment;
    const spec = e.runs.find((r) => r.id === specId);
    if (!spec || !hasLearningRate(spec.optimizer)) {
      const which = optimizerSpecs()
        .filter((o) => hasLearningRate(o.id))
        .map((o) => o.title);
      set({ error: `Tuning needs a run whose optimizer has a learning rate (${which.join(', ')}).` });
      return;
    }
    if (!(lo > 0 && hi >= lo && Number.isInteger(points) && points >= 1 && points <= 12)) {
      set({ error: 'The grid needs 0 < lowest ≤ highest and 1–12 points.' });
      return;
    }
    const grid = logGrid(lo, hi, points);
    const jobs = grid.flatMap((lr) => Array.from({ length: e.seeds }, (_, k) => ({ lr, seed: e.seed + k })));
    set({ specId, status: 'running', error: null, best: null, results: jobs.map((j) => ({ ...j, status: 'queued', final: null })) });
    const tail = Math.max(1, Math.floor(e.steps / 10));
    const defaults = shownDefaults(spec.optimizer);
    const update = (i: number, patch: Partial<TuneResult>) =>
      set((s) => ({ results: s.results.map((r, k) => (k === i ? { ...r, ...patch } : r)) }));
    const finish = () => {
      if (get().results.some((r) => r.status === 'queued' || r.status === 'running')) return;
      const summary = summarize(get().results);
      const best = summary.filter((s) => Number.isFinite(s.score)).sort((a, b) => a.score - b.score)[0] ?? null;
      set({ status: 'done', best });
      if (best) useLab.getState().setRunOption(specId, 'learningRate', best.lr);
      else set({ error: 'Every learning rate in the grid diverged; try lower rates.' });
    };
    // Every grid point × seed goes to the lab's one pool, which runs as many at once as the machine has cores.
    jobs.forEach((job, i) => {
      const losses: number[] = [];
      const done = (status: TuneResult['status'], final: number | null) => {
        update(i, { status, final });
        finish();
      };
      labPool.submit({
        id: `${TUNE_PREFIX}${i}`,
        config: {
          task: e.task,
          taskSettings: e.taskSettings,
          optimizer: spec.optimizer,
          optimizerOptions: { ...defaults, ...spec.options, learningRate: job.lr },
          seed: job.seed,
          steps: e.steps,
          backend: e.backend,
        },
        onLaunch: () => update(i, { status: 'running' }),
        callbacks: {
          onChunk: (c) => {
            for (let k = 0; k < c.length; k++) losses.push(c.columns.loss[k]!);
            if (losses.length > tail) losses.splice(0, losses.length - tail);
          },
          onStatus: (m) => {
            if (m.status === 'done') done('done', losses.reduce((a, b) => a + b, 0) / Math.max(1, losses.length));
            else if (m.status === 'diverged') done('diverged', Infinity);
            else if (m.status === 'failed') {
              set({ error: m.reason ?? 'a tuning run failed' });
              done('failed', null);
            }
          },
        },
      });
    });
  },
}));
