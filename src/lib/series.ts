/**
 * Turns per-seed traces into what a chart draws: bucketed to a bounded number of points, aggregated over
 * seeds as the paper draws restarts (mean in log space, with the min–max band), optionally smoothed with a
 * debiased EMA. Pure functions over typed arrays.
 */

export interface SeriesInput {
  /** x per step (step, epoch or seconds). */
  readonly x: ArrayLike<number>;
  /** y per step. */
  readonly y: ArrayLike<number>;
  readonly length: number;
}

export interface SeriesPoint {
  readonly x: number;
  /** Log-space mean (or plain mean) over seeds. */
  readonly y: number;
  readonly lo: number;
  readonly hi: number;
  /** How many seeds had a value in this bucket. */
  readonly n: number;
}

export interface AggregateOptions {
  /** Average logarithms (for positive quantities drawn on a log axis). */
  readonly log: boolean;
  /** At most this many points. */
  readonly buckets?: number;
}

/** Bucket of step index i when `steps` steps are split into `buckets` equal ranges. */
const bucketOf = (i: number, width: number) => Math.floor(i / width);

export function aggregate(seeds: readonly SeriesInput[], { log, buckets = 2000 }: AggregateOptions): SeriesPoint[] {
  const steps = Math.max(0, ...seeds.map((s) => s.length));
  if (steps === 0) return [];
  const width = Math.max(1, Math.ceil(steps / buckets));
  const nb = Math.ceil(steps / width);
  const f = log ? Math.log : (v: number) => v;
  const g = log ? Math.exp : (v: number) => v;
  const sumX = new Float64Array(nb);
  const cntX = new Float64Array(nb);
  // Per seed, the mean of f(y) in each bucket; then across seeds.
  const perSeed = seeds.map((s) => {
    const sum = new Float64Array(nb);
    const cnt = new Float64Array(nb);
    for (let i = 0; i < s.length; i++) {
      const b = bucketOf(i, width);
      const x = s.x[i]!;
      if (Number.isFinite(x)) {
        sumX[b]! += x;
        cntX[b]! += 1;
      }
      const y = s.y[i]!;
      if (!Number.isFinite(y) || (log && y <= 0)) continue;
      sum[b]! += f(y);
      cnt[b]! += 1;
    }
    return Array.from(sum, (v, b) => (cnt[b]! > 0 ? v / cnt[b]! : NaN));
  });
  const out: SeriesPoint[] = [];
  for (let b = 0; b < nb; b++) {
    const vals = perSeed.map((p) => p[b]!).filter((v) => !Number.isNaN(v));
    if (vals.length === 0 || cntX[b] === 0) continue;
    const mean = vals.reduce((a, v) => a + v, 0) / vals.length;
    out.push({ x: sumX[b]! / cntX[b]!, y: g(mean), lo: g(Math.min(...vals)), hi: g(Math.max(...vals)), n: vals.length });
  }
  return out;
}

/**
 * Debiased exponential moving average (Adam's bias correction; TensorBoard's smoothing): s ← β·s + (1−β)·y,
 * shown as s/(1 − β^t). Done in log space when `log`, so a log chart's smoothing follows its geometry.
 */
export function smooth(points: readonly SeriesPoint[], beta: number, log: boolean): SeriesPoint[] {
  if (beta <= 0) return points.slice();
  const f = log ? Math.log : (v: number) => v;
  const g = log ? Math.exp : (v: number) => v;
  let s = 0;
  let lo = 0;
  let hi = 0;
  return points.map((p, t) => {
    s = beta * s + (1 - beta) * f(p.y);
    lo = beta * lo + (1 - beta) * f(p.lo);
    hi = beta * hi + (1 - beta) * f(p.hi);
    const c = 1 - beta ** (t + 1);
    return { x: p.x, y: g(s / c), lo: g(lo / c), hi: g(hi / c), n: p.n };
  });
}

/** The y-range that ignores the most extreme `q` fraction at each end (for "ignore outliers"). */
export function robustRange(values: readonly number[], q = 0.01): [number, number] | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const at = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.floor(p * (v.length - 1))))]!;
  return [at(q), at(1 - q)];
}
