/**
 * When a run counts as diverged, and how the reports smooth a run's loss around its skipped steps: shared by the
 * benchmark's analysis (perfProfile.ts), the page's summary and run table, and the benchmark's reports. Pure numbers.
 */

/** What the verdict reads of a run: how it ended and its loss per row. */
export interface RunLoss {
  readonly status: string;
  /** Why the engine stopped it, when it did ("50 steps in a row were skipped from step 12 on …"). */
  readonly reason?: string | null;
  readonly step: ArrayLike<number>;
  readonly loss: ArrayLike<number>;
}

export interface DivergedRun {
  readonly task: string;
  readonly config: string;
  readonly seed: number;
  /** Absent in a report written before the reasons were kept. */
  readonly reason?: string;
}

/** Diverged runs of one task and config that diverged for the same reason: one row of the reports. */
export interface DivergedGroup {
  readonly task: string;
  readonly config: string;
  readonly seeds: readonly number[];
  readonly reason?: string;
}

/**
 * The diverged runs as the reports list them: one row per task, config and reason, with its seeds, in the order the
 * runs came (a tuned baseline's grid can leave dozens of diverged runs, most of them all seeds of a config).
 */
export function divergedGroups(runs: readonly DivergedRun[]): DivergedGroup[] {
  const groups = new Map<string, { task: string; config: string; seeds: number[]; reason?: string }>();
  for (const d of runs) {
    const key = JSON.stringify([d.task, d.config, d.reason ?? null]);
    const g = groups.get(key);
    if (g) g.seeds.push(d.seed);
    else groups.set(key, { task: d.task, config: d.config, seeds: [d.seed], ...(d.reason ? { reason: d.reason } : {}) });
  }
  return [...groups.values()];
}

/** What a report says of a group without a reason: written before the reports kept why. */
export const NO_REASON = 'not recorded';

/**
 * A run's smoothed log-loss: the trailing mean of log(loss) over the last `window` rows, of those rows whose loss is
 * finite and positive. A skipped step's row (a non-finite loss: the engine took no step there) is a gap, not the end
 * of the run; a row whose whole window is such rows is NaN.
 */
export function smoothLog(loss: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(loss.length);
  const usable = (y: number) => y > 0 && Number.isFinite(y);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < loss.length; i++) {
    const y = loss[i]!;
    if (usable(y)) {
      sum += Math.log(y);
      count++;
    }
    const old = i >= window ? loss[i - window]! : NaN;
    if (usable(old)) {
      sum -= Math.log(old);
      count--;
    }
    out[i] = count > 0 ? sum / count : NaN;
  }
  return out;
}

/** Loss growth over a run that counts as diverged although the engine kept going (its losses stayed finite). */
export const BLOWUP_FACTOR = 100;

/**
 * Why a run counts as diverged, in words, or null: the engine stopped it (its reason: 50 skipped steps in a row, a
 * blow-up), its last loss is not finite, or its last finite loss is 100× its first. A non-finite loss the run
 * recovered from is a skipped step, not a divergence: the engine took no step there (optim/skip.ts).
 */
export function divergedWhy(r: RunLoss): string | null {
  if (r.status === 'diverged') return r.reason ? `stopped: ${r.reason}` : 'stopped by the engine';
  const n = r.loss.length;
  if (n > 0 && !Number.isFinite(r.loss[n - 1]!)) return `its last loss, at step ${r.step[n - 1]}, was ${r.loss[n - 1]}`;
  const finite = Array.from(r.loss).filter(Number.isFinite);
  const first = finite[0]!;
  const last = finite[finite.length - 1]!;
  if (finite.length > 1 && last > BLOWUP_FACTOR * first) return `its last loss was ${(last / first).toPrecision(3)}× its first`;
  return null;
}

export const isDiverged = (r: RunLoss): boolean => divergedWhy(r) !== null;
