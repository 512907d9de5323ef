/**
 * Streaming step buckets: what the live charts draw, kept up to date as trace chunks arrive, so a redraw
 * costs O(seeds × buckets) whatever the length of the runs. Each bucket covers `width` consecutive steps
 * (a power of two) and holds sums: steps, wall time, rows, and per column Σ f(y) and the count of finite
 * values (f = log for log-scale columns, skipping y ≤ 0). When the steps outgrow `MAX_BUCKETS` buckets the
 * width doubles and neighbouring buckets merge, exactly. The seeds of one run spec are then aggregated as
 * the paper draws restarts: per bucket, the mean of each seed's bucket mean (in log space for log columns)
 * with the min–max band over seeds.
 */
import type { SeriesPoint } from './series';

/** Buckets per series at most (about one per pixel of a chart's width). */
export const MAX_BUCKETS = 512;

export interface BucketColumn {
  readonly name: string;
  readonly log: boolean;
}

/** Rows to add: the step of each row, its wall time (ms) and a value per column (NaN where missing). */
export interface BucketRows {
  readonly length: number;
  readonly step: ArrayLike<number>;
  readonly wallTime: ArrayLike<number>;
  readonly values: Readonly<Record<string, ArrayLike<number>>>;
}

export class StepBuckets {
  /** Steps per bucket. */
  width = 1;
  /** Buckets in use (the index of the last non-empty bucket + 1). */
  count = 0;
  readonly rows = new Float64Array(MAX_BUCKETS);
  readonly stepSum = new Float64Array(MAX_BUCKETS);
  readonly timeSum = new Float64Array(MAX_BUCKETS);
  readonly timeRows = new Float64Array(MAX_BUCKETS);
  private readonly sums = new Map<string, Float64Array>();
  private readonly counts = new Map<string, Float64Array>();
  private readonly logs = new Map<string, boolean>();

  constructor(columns: readonly BucketColumn[]) {
    for (const c of columns) {
      this.sums.set(c.name, new Float64Array(MAX_BUCKETS));
      this.counts.set(c.name, new Float64Array(MAX_BUCKETS));
      this.logs.set(c.name, c.log);
    }
  }

  get columns(): string[] {
    return [...this.sums.keys()];
  }

  add(r: BucketRows): void {
    if (r.length === 0) return;
    let maxStep = 0;
    for (let i = 0; i < r.length; i++) maxStep = Math.max(maxStep, r.step[i]!);
    while (Math.floor(maxStep / this.width) >= MAX_BUCKETS) this.coarsen();
    const cols = [...this.sums.keys()].map((name) => ({
      sum: this.sums.get(name)!,
      cnt: this.counts.get(name)!,
      log: this.logs.get(name)!,
      v: r.values[name],
    }));
    for (let i = 0; i < r.length; i++) {
      const s = r.step[i]!;
      if (!(s >= 0)) continue;
      const b = Math.floor(s / this.width);
      this.rows[b]! += 1;
      this.stepSum[b]! += s;
      const t = r.wallTime[i]!;
      if (Number.isFinite(t)) {
        this.timeSum[b]! += t;
        this.timeRows[b]! += 1;
      }
      for (const c of cols) {
        if (!c.v) continue;
        const y = c.v[i]!;
        if (!Number.isFinite(y) || (c.log && y <= 0)) continue;
        c.sum[b]! += c.log ? Math.log(y) : y;
        c.cnt[b]! += 1;
      }
      if (b >= this.count) this.count = b + 1;
    }
  }

  /** Doubles the width: bucket b becomes the sum of buckets 2b and 2b + 1. */
  private coarsen(): void {
    const merge = (a: Float64Array) => {
      for (let b = 0; b < MAX_BUCKETS / 2; b++) a[b] = a[2 * b]! + a[2 * b + 1]!;
      a.fill(0, MAX_BUCKETS / 2);
    };
    merge(this.rows);
    merge(this.stepSum);
    merge(this.timeSum);
    merge(this.timeRows);
    for (const a of this.sums.values()) merge(a);
    for (const a of this.counts.values()) merge(a);
    this.width *= 2;
    this.count = Math.ceil(this.count / 2);
  }

  /** Σ f(y) and the count of values per bucket of `column` (undefined for an unknown column). */
  column(name: string): { sum: Float64Array; cnt: Float64Array } | undefined {
    const sum = this.sums.get(name);
    const cnt = this.counts.get(name);
    return sum && cnt ? { sum, cnt } : undefined;
  }
}

export type BucketX = 'step' | 'time';

/**
 * A run's sums over bucket `b` at the common `width` (its own buckets [b·k, (b + 1)·k), k = width / its width):
 * Σ x and the rows behind it, Σ f(column) and the count of values.
 */
function commonBucket(
  s: StepBuckets,
  c: { sum: Float64Array; cnt: Float64Array } | undefined,
  width: number,
  b: number,
  x: BucketX,
): { xs: number; xn: number; sum: number; cnt: number } {
  const k = width / s.width;
  const end = Math.min((b + 1) * k, s.count);
  let xs = 0;
  let xn = 0;
  let sum = 0;
  let cnt = 0;
  for (let j = b * k; j < end; j++) {
    if (x === 'step') {
      xs += s.stepSum[j]!;
      xn += s.rows[j]!;
    } else {
      xs += s.timeSum[j]! / 1000;
      xn += s.timeRows[j]!;
    }
    if (c) {
      sum += c.sum[j]!;
      cnt += c.cnt[j]!;
    }
  }
  return { xs, xn, sum, cnt };
}

/**
 * One chart series from the seeds of a run spec: per bucket, x is the mean step (or wall time in seconds)
 * over every seed's rows; y the mean over seeds of each seed's bucket mean (in log space when `log`), with
 * lo/hi the smallest and largest seed mean and n the number of seeds with a value there.
 */
export function aggregateBuckets(seeds: readonly StepBuckets[], column: string, x: BucketX, log: boolean): SeriesPoint[] {
  if (seeds.length === 0) return [];
  const width = Math.max(...seeds.map((s) => s.width));
  const count = Math.max(...seeds.map((s) => Math.ceil((s.count * s.width) / width)));
  const g = log ? Math.exp : (v: number) => v;
  const cols = seeds.map((s) => s.column(column));
  const out: SeriesPoint[] = [];
  for (let b = 0; b < count; b++) {
    let xs = 0;
    let xn = 0;
    let acc = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let n = 0;
    for (let i = 0; i < seeds.length; i++) {
      const t = commonBucket(seeds[i]!, cols[i], width, b, x);
      xs += t.xs;
      xn += t.xn;
      if (t.cnt === 0) continue;
      const m = t.sum / t.cnt;
      acc += m;
      lo = Math.min(lo, m);
      hi = Math.max(hi, m);
      n++;
    }
    if (n === 0 || xn === 0) continue;
    out.push({ x: xs / xn, y: g(acc / n), lo: g(lo), hi: g(hi), n });
  }
  return out;
}

/** Student's t at 0.975 for 1…30 degrees of freedom (a two-sided 95 % interval); 1.96 beyond. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
export const t975 = (df: number): number => T975[df - 1] ?? 1.96;

/**
 * The paired difference of two optimizers on the same seeds: per bucket and seed, the difference of the two
 * runs' bucket means of f(column) (f = log for a log column, so log(L_A/L_B) for the loss), then the mean over
 * the seeds that have both, with a 95 % confidence band (mean ± t·sd/√n; no band for one seed). `pairs` holds
 * each seed's (A, B) buckets.
 */
export function pairedDifference(pairs: readonly (readonly [StepBuckets, StepBuckets])[], column: string, x: BucketX): SeriesPoint[] {
  if (pairs.length === 0) return [];
  const all = pairs.flat();
  const width = Math.max(...all.map((s) => s.width));
  const count = Math.max(...all.map((s) => Math.ceil((s.count * s.width) / width)));
  /** A run's mean of f(column) over common bucket b, and its x sums. */
  const mean = (s: StepBuckets, b: number) => {
    const t = commonBucket(s, s.column(column), width, b, x);
    return { m: t.cnt > 0 ? t.sum / t.cnt : NaN, xs: t.xs, xn: t.xn };
  };
  const out: SeriesPoint[] = [];
  for (let b = 0; b < count; b++) {
    const d: number[] = [];
    let xs = 0;
    let xn = 0;
    for (const [a, bb] of pairs) {
      const ma = mean(a, b);
      const mb = mean(bb, b);
      if (!Number.isFinite(ma.m) || !Number.isFinite(mb.m)) continue;
      d.push(ma.m - mb.m);
      xs += ma.xs + mb.xs;
      xn += ma.xn + mb.xn;
    }
    if (d.length === 0 || xn === 0) continue;
    const n = d.length;
    const mu = d.reduce((s, v) => s + v, 0) / n;
    const half = n > 1 ? (t975(n - 1) * Math.sqrt(d.reduce((s, v) => s + (v - mu) ** 2, 0) / (n - 1))) / Math.sqrt(n) : 0;
    out.push({ x: xs / xn, y: mu, lo: mu - half, hi: mu + half, n });
  }
  return out;
}
