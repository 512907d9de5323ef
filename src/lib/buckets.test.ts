import { describe, expect, it } from 'vitest';
import { aggregate, aggregateBuckets, MAX_BUCKETS, StepBuckets, type Aggregate } from './buckets';
import { smooth, smoothed, type Smoothed } from './series';

const cols = [
  { name: 'loss', log: true },
  { name: 'gDotV', log: false },
];

/** Rows for steps [from, from + n) with loss = f(step). */
const rows = (from: number, n: number, f: (s: number) => number, t = (s: number) => s * 10) => {
  const step = Float64Array.from({ length: n }, (_, i) => from + i);
  return { length: n, step, wallTime: step.map(t), values: { loss: step.map(f), gDotV: step.map((s) => -s) } };
};

describe('StepBuckets', () => {
  it('keeps one bucket per step while the steps fit, then doubles the width and merges exactly', () => {
    const b = new StepBuckets(cols);
    b.add(rows(0, MAX_BUCKETS, () => 2));
    expect([b.width, b.count]).toEqual([1, MAX_BUCKETS]);
    b.add(rows(MAX_BUCKETS, 1, () => 2));
    expect([b.width, b.count]).toEqual([2, MAX_BUCKETS / 2 + 1]);
    // Bucket 0 now covers steps 0 and 1.
    expect(b.rows[0]).toBe(2);
    expect(b.stepSum[0]).toBe(1);
  });

  it('bounds the buckets over a million steps fed in chunks, whatever their sizes', () => {
    const b = new StepBuckets(cols);
    let at = 0;
    for (const n of [1, 7, 1000, 33_333, 65_536, 900_123]) {
      b.add(rows(at, n, (s) => 1 + s));
      at += n;
    }
    expect(at).toBe(1_000_000);
    expect(b.count).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(b.width).toBe(2048); // 1e6 / 2048 = 488.3 buckets
    let total = 0;
    for (let i = 0; i < b.count; i++) total += b.rows[i]!;
    expect(total).toBe(1_000_000);
  });

  it('aggregates seeds as the paper draws restarts: log-space mean of the seed means, min–max band', () => {
    const a = new StepBuckets(cols);
    const c = new StepBuckets(cols);
    a.add(rows(0, 4, () => 1));
    c.add(rows(0, 4, () => 100));
    const pts = aggregateBuckets([a, c], 'loss', 'step', true);
    expect(pts).toHaveLength(4);
    expect(pts[0]!.y).toBeCloseTo(10, 10); // geometric mean of 1 and 100
    expect(pts[0]!.lo).toBeCloseTo(1, 12);
    expect(pts[0]!.hi).toBeCloseTo(100, 10);
    expect(pts[0]!.n).toBe(2);
    expect(pts.map((p) => p.x)).toEqual([0, 1, 2, 3]);
  });

  it('within a bucket, a log column averages logarithms (a geometric mean), a linear one values', () => {
    const b = new StepBuckets(cols);
    b.add(rows(0, MAX_BUCKETS + 1, (s) => (s % 2 === 0 ? 1 : 100)));
    const loss = aggregateBuckets([b], 'loss', 'step', true);
    expect(loss[0]!.y).toBeCloseTo(10, 10);
    expect(loss[0]!.x).toBe(0.5);
    const lin = aggregateBuckets([b], 'gDotV', 'step', false);
    expect(lin[0]!.y).toBe(-0.5);
  });

  it('aligns seeds at different widths (one seed further along) on the coarser one', () => {
    const short = new StepBuckets(cols);
    const long = new StepBuckets(cols);
    short.add(rows(0, 100, () => 1));
    long.add(rows(0, 4 * MAX_BUCKETS, () => 4));
    expect([short.width, long.width]).toEqual([1, 4]);
    const pts = aggregateBuckets([short, long], 'loss', 'step', true);
    expect(pts).toHaveLength(MAX_BUCKETS);
    expect(pts[0]!.n).toBe(2);
    expect(pts[0]!.y).toBeCloseTo(2, 10); // √(1·4)
    expect(pts[30]!.n).toBe(1); // steps 120…123: only the long seed
    expect(pts[30]!.y).toBeCloseTo(4, 10);
  });

  it('skips non-finite values, and non-positive ones on a log column; x can be wall time in seconds', () => {
    const b = new StepBuckets(cols);
    b.add(rows(0, 4, (s) => [1, NaN, 0, -3][s]!));
    const pts = aggregateBuckets([b], 'loss', 'time', true);
    expect(pts).toHaveLength(1); // only step 0 has a drawable loss
    expect(pts[0]!.x).toBe(0);
    const t = aggregateBuckets([b], 'gDotV', 'time', false);
    expect(t.map((p) => p.x)).toEqual([0, 0.01, 0.02, 0.03]);
  });

  it('recomputes only what chunks moved: the same series as from scratch, through coarsenings, the old points reused', () => {
    // Three seeds at different speeds (their widths differ as they coarsen at different times), a noisy loss.
    const seeds = [0, 1, 2].map(() => new StepBuckets(cols));
    const at = [0, 0, 0];
    let agg: Aggregate | undefined;
    let sm: Smoothed | undefined;
    let reused = 0;
    let coarsened = 0;
    for (let round = 0; round < 300; round++) {
      seeds.forEach((b, i) => {
        const n = [37, 50, 13][i]! * (1 + (round % 3));
        const width = b.width;
        b.add(rows(at[i]!, n, (s) => 1 + Math.abs(Math.sin(s * (i + 1))) + 100 / (s + 1)));
        if (b.width !== width) coarsened++;
        at[i]! += n;
      });
      const prev = agg;
      agg = aggregate(seeds, 'loss', 'step', true, prev, 4);
      sm = smoothed(agg.points, 0.6, true, sm);
      const fresh = aggregateBuckets(seeds, 'loss', 'step', true).map((p) => ({ ...p, x: p.x / 4 }));
      expect(agg.points).toEqual(fresh);
      expect(sm.points).toEqual(smooth(fresh, 0.6, true));
      if (prev && prev.width === agg.width && prev.points[0] === agg.points[0]) reused++;
      // Nothing added: the very same result.
      expect(aggregate(seeds, 'loss', 'step', true, agg, 4)).toBe(agg);
      expect(smoothed(agg.points, 0.6, true, sm)).toBe(sm);
    }
    expect(coarsened).toBeGreaterThan(10);
    expect(reused).toBeGreaterThan(250);
  });

  it('tells a reader which buckets moved since the version it saw', () => {
    const b = new StepBuckets(cols);
    b.add(rows(0, 100, () => 1));
    const v = b.version;
    expect(b.changedSince(v)).toBe(Infinity);
    b.add(rows(100, 10, () => 1));
    b.add(rows(110, 10, () => 1));
    expect(b.changedSince(v)).toBe(100);
    expect(b.changedSince(v + 1)).toBe(110);
    // A coarsening moves every bucket; a version too old to tell reads as "everything".
    b.add(rows(120, MAX_BUCKETS, () => 1));
    expect(b.changedSince(v + 2)).toBe(0);
    for (let i = 0; i < 70; i++) b.add(rows(632 + i, 1, () => 1));
    expect(b.changedSince(v + 3)).toBe(0);
    expect(b.changedSince(b.version - 1)).toBe(Math.floor(701 / b.width));
  });
});
