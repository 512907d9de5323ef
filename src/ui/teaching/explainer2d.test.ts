import { describe, expect, it } from 'vitest';
import { MAX_PATH_POINTS, thinPath } from './explainer2d';

describe('a 2-D path keeps its whole way, thinned, not its last points', () => {
  it('at most MAX_PATH_POINTS points, the start and the recent points kept', () => {
    const n = 5000;
    const path = Array.from({ length: n }, (_, i) => [i, -i]).flat();
    const thin = thinPath(path);
    expect(thin.length / 2).toBeLessThanOrEqual(MAX_PATH_POINTS);
    expect(thin.slice(0, 2)).toEqual([0, -0]);
    expect(thin.slice(-400)).toEqual(path.slice(-400));
    // The points kept are the path's own, in order.
    const xs = thin.filter((_, i) => i % 2 === 0);
    expect(xs.every((x, i) => i === 0 || x > xs[i - 1]!)).toBe(true);
  });
  it('a short path is kept whole', () => {
    expect(thinPath([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
  });
});
