import { describe, expect, it } from 'vitest';
import { aggregate, robustRange, smooth } from './series';

const seq = (ys: number[]) => ({ x: ys.map((_, i) => i), y: ys, length: ys.length });

describe('series', () => {
  it('aggregates seeds as the paper does: mean in log space, min–max band', () => {
    const pts = aggregate([seq([1, 100]), seq([100, 1])], { log: true, buckets: 10 });
    expect(pts).toHaveLength(2);
    expect(pts[0]!.y).toBeCloseTo(10, 10); // geometric mean of 1 and 100
    expect(pts[0]!.lo).toBe(1);
    expect(pts[0]!.hi).toBeCloseTo(100, 10);
    expect(pts[0]!.n).toBe(2);
  });

  it('buckets long traces to at most the requested number of points', () => {
    const ys = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const pts = aggregate([seq(ys)], { log: false, buckets: 2000 });
    expect(pts.length).toBeLessThanOrEqual(2000);
    expect(pts[0]!.x).toBe(2);
    expect(pts[0]!.y).toBe(3); // mean of 1…5
  });

  it('skips non-finite and (on log charts) non-positive values; a diverged seed drops out after its end', () => {
    const pts = aggregate([seq([1, NaN, 4, 0]), seq([4, 4])], { log: true, buckets: 100 });
    expect(pts.map((p) => p.n)).toEqual([2, 1, 1]);
    expect(pts[0]!.y).toBeCloseTo(2, 10);
  });

  it('smooths with a debiased EMA (the first point is not pulled to zero)', () => {
    const s = smooth(aggregate([seq([10, 10, 10])], { log: false }), 0.9, false);
    expect(s.map((p) => p.y)).toEqual([10, 10, 10].map((v) => expect.closeTo(v, 10)));
    const l = smooth(aggregate([seq([1, 100])], { log: true }), 0.5, true);
    expect(l[1]!.y).toBeCloseTo(Math.exp((0.5 * 0.5 * Math.log(1) + 0.5 * Math.log(100)) / 0.75), 8);
  });

  it('robust range ignores outliers', () => {
    const v = [...Array.from({ length: 98 }, (_, i) => i), 1e9, -1e9];
    expect(robustRange(v, 0.02)).toEqual([0, 96]);
  });
});
