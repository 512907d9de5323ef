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
  return [...smoothed(points, beta, log).points];
}

/** A smoothed series, the points it was computed from and the average's state after each point. */
export interface Smoothed {
  readonly beta: number;
  readonly log: boolean;
  readonly input: readonly SeriesPoint[];
  readonly points: readonly SeriesPoint[];
  /** s, lo, hi and β^t after each point (4 per point; the buffer may be longer). */
  readonly state: Float64Array;
}

/**
 * `smooth`, reusing `prev` (the same β and scale): the average is carried on from the first input point that is
 * not the same object as before, so a series that only grew at its end costs only its new points. `prev` is
 * consumed (its state buffer is reused): pass each result once.
 */
export function smoothed(points: readonly SeriesPoint[], beta: number, log: boolean, prev?: Smoothed): Smoothed {
  if (beta <= 0) return { beta, log, input: points, points: points.slice(), state: new Float64Array(0) };
  let from = 0;
  if (prev && prev.beta === beta && prev.log === log) {
    const n = Math.min(points.length, prev.input.length);
    while (from < n && points[from] === prev.input[from]) from++;
    if (from === points.length && points.length === prev.input.length) return prev;
  }
  // `prev` is consumed: its state buffer is carried on in place when it is large enough.
  const state = from > 0 && prev!.state.length >= 4 * points.length ? prev!.state : new Float64Array(4 * Math.max(64, 2 * points.length));
  if (from > 0 && state !== prev!.state) state.set(prev!.state.subarray(0, 4 * from));
  const out: SeriesPoint[] = from > 0 ? prev!.points.slice(0, from) : [];
  let s = from > 0 ? state[4 * from - 4]! : 0;
  let lo = from > 0 ? state[4 * from - 3]! : 0;
  let hi = from > 0 ? state[4 * from - 2]! : 0;
  let decay = from > 0 ? state[4 * from - 1]! : 1;
  const a = 1 - beta;
  for (let t = from; t < points.length; t++) {
    const p = points[t]!;
    s = beta * s + a * (log ? Math.log(p.y) : p.y);
    lo = beta * lo + a * (log ? Math.log(p.lo) : p.lo);
    hi = beta * hi + a * (log ? Math.log(p.hi) : p.hi);
    decay *= beta;
    state[4 * t] = s;
    state[4 * t + 1] = lo;
    state[4 * t + 2] = hi;
    state[4 * t + 3] = decay;
    const c = 1 - decay;
    out.push(
      log
        ? { x: p.x, y: Math.exp(s / c), lo: Math.exp(lo / c), hi: Math.exp(hi / c), n: p.n }
        : { x: p.x, y: s / c, lo: lo / c, hi: hi / c, n: p.n },
    );
  }
  return { beta, log, input: points, points: out, state };
}

/** The y-range that ignores the most extreme `q` fraction at each end (for "ignore outliers"). */
export function robustRange(values: readonly number[], q = 0.01): [number, number] | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const at = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.floor(p * (v.length - 1))))]!;
  return [at(q), at(1 - q)];
}
