/**
 * What a chart draws per run spec: points aggregated over seeds (lib/buckets), smoothed with a debiased EMA,
 * and the y-range that ignores outliers.
 */

export interface SeriesPoint {
  readonly x: number;
  /** Log-space mean (or plain mean) over seeds. */
  readonly y: number;
  readonly lo: number;
  readonly hi: number;
  /** How many seeds had a value in this bucket. */
  readonly n: number;
}

/**
 * Debiased exponential moving average (Adam's bias correction; TensorBoard's smoothing): s ← β·s + (1−β)·y,
 * shown as s/(1 − β^t). Done in log space when `log`, so a log chart's smoothing follows its geometry.
 */
export function smooth(points: readonly SeriesPoint[], beta: number, log: boolean): SeriesPoint[] {
  if (beta <= 0) return points.slice();
  let s = 0;
  let lo = 0;
  let hi = 0;
  let decay = 1;
  const out: SeriesPoint[] = new Array(points.length);
  for (let t = 0; t < points.length; t++) {
    const p = points[t]!;
    const a = 1 - beta;
    s = beta * s + a * (log ? Math.log(p.y) : p.y);
    lo = beta * lo + a * (log ? Math.log(p.lo) : p.lo);
    hi = beta * hi + a * (log ? Math.log(p.hi) : p.hi);
    decay *= beta;
    const c = 1 - decay;
    out[t] = log
      ? { x: p.x, y: Math.exp(s / c), lo: Math.exp(lo / c), hi: Math.exp(hi / c), n: p.n }
      : { x: p.x, y: s / c, lo: lo / c, hi: hi / c, n: p.n };
  }
  return out;
}

/** The y-range that ignores the most extreme `q` fraction at each end (for "ignore outliers"). */
export function robustRange(values: readonly number[], q = 0.01): [number, number] | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const at = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.floor(p * (v.length - 1))))]!;
  return [at(q), at(1 - q)];
}
