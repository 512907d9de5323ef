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
/** Recent additions whose first bucket a run's buckets remember (`changedSince`). */
const MARKS_KEPT = 64;

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
  /** Incremented by every `add`: with `changedSince`, a reader recomputes only the buckets that moved. */
  version = 0;
  /** The first bucket each recent `add` touched (0 after a coarsening: every bucket moved). */
  private readonly marks: { readonly version: number; readonly from: number }[] = [];
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
    let minStep = Infinity;
    for (let i = 0; i < r.length; i++) {
      const st = r.step[i]!;
      if (st > maxStep) maxStep = st;
      if (st >= 0 && st < minStep) minStep = st;
    }
    let coarsened = false;
    while (Math.floor(maxStep / this.width) >= MAX_BUCKETS) {
      this.coarsen();
      coarsened = true;
    }
    this.version++;
    this.marks.push({ version: this.version, from: coarsened ? 0 : Math.floor(minStep / this.width) });
    if (this.marks.length > MARKS_KEPT) this.marks.shift();
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

  /**
   * The first bucket (at today's width) that may differ from what a reader saw at `version`: Infinity when
   * nothing was added since, 0 when it is too long ago to tell.
   */
  changedSince(version: number): number {
    if (version === this.version) return Infinity;
    if (version > this.version || this.marks.length === 0 || this.marks[0]!.version > version + 1) return 0;
    let from = Infinity;
    for (const m of this.marks) if (m.version > version && m.from < from) from = m.from;
    return from;
  }

  /** Σ f(y) and the count of values per bucket of `column` (undefined for an unknown column). */
  column(name: string): { sum: Float64Array; cnt: Float64Array } | undefined {
    const sum = this.sums.get(name);
    const cnt = this.counts.get(name);
    return sum && cnt ? { sum, cnt } : undefined;
  }
}

export type BucketX = 'step' | 'time';

/** A run's sums over one common bucket (see `commonBucket`); one object reused, as this runs per bucket and seed. */
interface BucketSums {
  xs: number;
  xn: number;
  sum: number;
  cnt: number;
}

/**
 * A run's sums over bucket `b` at the common `width` (its own buckets [b·k, (b + 1)·k), k = width / its width):
 * Σ x and the rows behind it, Σ f(column) and the count of values, written into `t`.
 */
function commonBucket(
  s: StepBuckets,
  c: { sum: Float64Array; cnt: Float64Array } | undefined,
  width: number,
  b: number,
  x: BucketX,
  t: BucketSums = { xs: 0, xn: 0, sum: 0, cnt: 0 },
): BucketSums {
  const k = width / s.width;
  const end = Math.min((b + 1) * k, s.count);
  t.xs = 0;
  t.xn = 0;
  t.sum = 0;
  t.cnt = 0;
  for (let j = b * k; j < end; j++) {
    if (x === 'step') {
      t.xs += s.stepSum[j]!;
      t.xn += s.rows[j]!;
    } else {
      t.xs += s.timeSum[j]! / 1000;
      t.xn += s.timeRows[j]!;
    }
    if (c) {
      t.sum += c.sum[j]!;
      t.cnt += c.cnt[j]!;
    }
  }
  return t;
}

/** An aggregated series and what it was computed from, so that the next call recomputes only what moved. */
export interface Aggregate {
  readonly seeds: readonly StepBuckets[];
  readonly versions: readonly number[];
  readonly width: number;
  readonly points: readonly SeriesPoint[];
  /** The common bucket of each point. */
  readonly buckets: readonly number[];
}

/**
 * One chart series from the seeds of a run spec: per bucket, x is the mean step (or wall time in seconds)
 * over every seed's rows, divided by `xScale`; y the mean over seeds of each seed's bucket mean (in log space
 * when `log`), with lo/hi the smallest and largest seed mean and n the number of seeds with a value there.
 * Given the previous result for the same seeds (`prev`), only the buckets added to since are recomputed: the
 * points before them are the previous ones, the same objects.
 */
export function aggregate(
  seeds: readonly StepBuckets[],
  column: string,
  x: BucketX,
  log: boolean,
  prev?: Aggregate,
  xScale = 1,
): Aggregate {
  const width = seeds.length ? Math.max(...seeds.map((s) => s.width)) : 1;
  let from = 0;
  if (prev && prev.width === width && prev.seeds.length === seeds.length && prev.seeds.every((s, i) => s === seeds[i])) {
    from = Infinity;
    seeds.forEach((s, i) => (from = Math.min(from, Math.floor((s.changedSince(prev.versions[i]!) * s.width) / width))));
    if (from === Infinity) return prev;
  }
  let keep = 0;
  if (from > 0 && prev) while (keep < prev.buckets.length && prev.buckets[keep]! < from) keep++;
  const points = prev && from > 0 ? prev.points.slice(0, keep) : [];
  const buckets = prev && from > 0 ? prev.buckets.slice(0, keep) : [];
  const count = seeds.length ? Math.max(...seeds.map((s) => Math.ceil((s.count * s.width) / width))) : 0;
  const g = log ? Math.exp : (v: number) => v;
  const cols = seeds.map((s) => s.column(column));
  const t: BucketSums = { xs: 0, xn: 0, sum: 0, cnt: 0 };
  for (let b = from > 0 ? from : 0; b < count; b++) {
    let xs = 0;
    let xn = 0;
    let acc = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let n = 0;
    for (let i = 0; i < seeds.length; i++) {
      commonBucket(seeds[i]!, cols[i], width, b, x, t);
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
    points.push({ x: xs / xn / xScale, y: g(acc / n), lo: g(lo), hi: g(hi), n });
    buckets.push(b);
  }
  return { seeds: [...seeds], versions: seeds.map((s) => s.version), width, points, buckets };
}

/** `aggregate` from scratch: the series' points. */
export function aggregateBuckets(seeds: readonly StepBuckets[], column: string, x: BucketX, log: boolean): SeriesPoint[] {
  return [...aggregate(seeds, column, x, log).points];
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
