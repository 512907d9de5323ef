/**
 * "Who won": per compared run spec, what its seeds reached — the figures a comparison is read by. Pure: the page's
 * summary table (ui/runs/SummaryTable.tsx) and its tests compute them from the runs' records and traces.
 */
import { BLOWUP_FACTOR, smoothLog } from '../lib/divergence';
import type { RunMeta } from './runs';

/** A log-space mean over seeds with the range, as the charts draw restarts. */
export interface LogStat {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

export interface SpecSummary {
  readonly specId: string;
  readonly runs: number;
  /** Runs stopped by the engine, or finished on a non-finite loss or a loss over BLOWUP_FACTOR × their first. */
  readonly diverged: number;
  /** The loss at the last step (a trailing log-mean over 1/50 of the run, the benchmark's smoothing), over the seeds that did not diverge. */
  readonly finalLoss: LogStat | null;
  readonly bestLoss: LogStat | null;
  /** Test accuracy at the last evaluation: mean and sample standard deviation over the seeds that have one. */
  readonly testAccuracy: { readonly mean: number; readonly sd: number; readonly n: number } | null;
  /** The first step at which the smoothed loss is at or below the target: mean over the seeds that reached it. */
  readonly stepsToTarget: { readonly mean: number | null; readonly reached: number } | null;
  readonly msPerStep: number | null;
}

/** What summarising a run reads of its trace: the step and loss columns. */
export interface LossTrace {
  readonly length: number;
  readonly columns: { readonly step: ArrayLike<number>; readonly loss: ArrayLike<number> };
}

const logStat = (xs: readonly number[]): LogStat | null => {
  const ok = xs.filter((x) => x > 0 && Number.isFinite(x));
  if (ok.length === 0) return null;
  return { mean: Math.exp(ok.reduce((s, x) => s + Math.log(x), 0) / ok.length), min: Math.min(...ok), max: Math.max(...ok) };
};

/**
 * Whether a run diverged, by the benchmark's criteria (lib/perfProfile.ts, `divergedWhy`): stopped as such, finished
 * on a non-finite loss, or finished with its loss blown up. A skipped step it went on from is not a divergence.
 */
export const runDiverged = (r: RunMeta): boolean =>
  r.status === 'diverged' ||
  ((r.status === 'done' || r.status === 'imported') && r.last.loss !== undefined && !Number.isFinite(r.last.loss)) ||
  (r.firstLoss !== undefined && r.firstLoss > 0 && r.last.loss !== undefined && r.last.loss > BLOWUP_FACTOR * r.firstLoss);

/** The smoothing window of a trace of n rows: 1/50 of it, as the benchmark's. */
const windowOf = (n: number) => Math.max(1, Math.floor(n / 50));

/** The run's final loss: the trailing log-mean of its last rows, or null. */
export function finalLoss(t: LossTrace | null): number | null {
  if (!t || t.length === 0) return null;
  const s = smoothLog(t.columns.loss, windowOf(t.length));
  const v = s[t.length - 1]!;
  return Number.isFinite(v) ? Math.exp(v) : null;
}

/** The first step at which the run's smoothed loss is at or below `target`, or null. */
export function stepToTarget(t: LossTrace | null, target: number): number | null {
  if (!t || !(target > 0)) return null;
  const s = smoothLog(t.columns.loss, windowOf(t.length));
  const goal = Math.log(target);
  for (let i = 0; i < t.length; i++) if (s[i]! <= goal) return t.columns.step[i]!;
  return null;
}

/** Per spec (in the order given), its runs' figures; `target` null: no steps-to-target column. */
export function summarizeSpecs(
  groups: readonly { readonly specId: string; readonly runs: readonly RunMeta[] }[],
  traceOf: (runId: string) => LossTrace | null,
  target: number | null,
): SpecSummary[] {
  return groups.map(({ specId, runs }) => {
    const kept = runs.filter((r) => !runDiverged(r));
    const acc = runs.map((r) => r.testAccuracy).filter((x): x is number => x !== null && Number.isFinite(x));
    const mean = acc.reduce((s, x) => s + x, 0) / (acc.length || 1);
    const sd = acc.length > 1 ? Math.sqrt(acc.reduce((s, x) => s + (x - mean) ** 2, 0) / (acc.length - 1)) : 0;
    const steps = target === null ? null : kept.map((r) => stepToTarget(traceOf(r.id), target)).filter((x): x is number => x !== null);
    const speeds = runs.map((r) => r.stepsPerSecond).filter((x): x is number => x !== null && x > 0);
    return {
      specId,
      runs: runs.length,
      diverged: runs.length - kept.length,
      finalLoss: logStat(kept.map((r) => finalLoss(traceOf(r.id))).filter((x): x is number => x !== null)),
      bestLoss: logStat(kept.map((r) => r.bestLoss).filter((x): x is number => x !== null)),
      testAccuracy: acc.length ? { mean, sd, n: acc.length } : null,
      stepsToTarget:
        steps === null ? null : { mean: steps.length ? steps.reduce((s, x) => s + x, 0) / steps.length : null, reached: steps.length },
      msPerStep: speeds.length ? speeds.reduce((s, x) => s + 1000 / x, 0) / speeds.length : null,
    };
  });
}

/**
 * The default target of "steps to target": the best final loss (log-mean over seeds) among the baselines, the specs
 * whose optimizer has a learning rate to tune (AlgoPerf sets its targets from the tuned baselines); among every spec
 * when there is no baseline. Null when nothing has a final loss yet.
 */
export function defaultTarget(summaries: readonly SpecSummary[], isBaseline: (specId: string) => boolean): number | null {
  const of = (list: readonly SpecSummary[]) => list.map((s) => s.finalLoss?.mean).filter((x): x is number => x !== undefined);
  const base = of(summaries.filter((s) => isBaseline(s.specId)));
  const all = base.length ? base : of(summaries);
  return all.length ? Math.min(...all) : null;
}
