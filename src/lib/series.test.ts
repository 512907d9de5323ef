import { describe, expect, it } from 'vitest';
import { robustRange, smooth, type SeriesPoint } from './series';

const pts = (ys: number[]): SeriesPoint[] => ys.map((y, x) => ({ x, y, lo: y, hi: y, n: 1 }));

describe('series', () => {
  it('smooths with a debiased EMA (the first point is not pulled to zero)', () => {
    const s = smooth(pts([10, 10, 10]), 0.9, false);
    expect(s.map((p) => p.y)).toEqual([10, 10, 10].map((v) => expect.closeTo(v, 10)));
    const l = smooth(pts([1, 100]), 0.5, true);
    expect(l[1]!.y).toBeCloseTo(Math.exp((0.5 * 0.5 * Math.log(1) + 0.5 * Math.log(100)) / 0.75), 8);
    expect(smooth(pts([3, 4]), 0, false).map((p) => p.y)).toEqual([3, 4]);
  });

  it('smooths the min–max band with the curve', () => {
    const band: SeriesPoint[] = [
      { x: 0, y: 2, lo: 1, hi: 4, n: 2 },
      { x: 1, y: 2, lo: 1, hi: 4, n: 2 },
    ];
    const s = smooth(band, 0.7, true);
    expect(s[1]!.lo).toBeCloseTo(1, 12);
    expect(s[1]!.hi).toBeCloseTo(4, 12);
    expect(s[1]!.n).toBe(2);
  });

  it('robust range ignores outliers', () => {
    const v = [...Array.from({ length: 98 }, (_, i) => i), 1e9, -1e9];
    expect(robustRange(v, 0.02)).toEqual([0, 96]);
  });
});
