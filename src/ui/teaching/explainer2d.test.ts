import { describe, expect, it } from 'vitest';
import { contourLevels, GRID, LEVELS, MAX_PATH_POINTS, thinPath } from './explainer2d';

/** A ring's area in grid cells (the shoelace formula). */
function area(ring: readonly (readonly number[])[]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[(i + 1) % ring.length]!;
    a += x0! * y1! - x1! * y0!;
  }
  return Math.abs(a) / 2;
}

describe('the contours draw the function, not the grid', () => {
  // Rosenbrock's valley below f is √f/10 wide: levels near its minimum, evenly spaced in log f from the smallest
  // value on the grid, traced it as zigzags with islands of a cell or two (4 to 8 at each of the lowest four levels).
  it.each(['rosenbrock', 'beale', 'quadratic'])('%s: every level a few rings, none smaller than two grid cells', (fn) => {
    const levels = contourLevels(fn);
    expect(levels).toHaveLength(LEVELS);
    for (const level of levels) {
      const rings = level.coordinates.flat();
      expect(rings.length, `level ${level.value}`).toBeLessThanOrEqual(4);
      for (const ring of rings) expect(area(ring), `level ${level.value}`).toBeGreaterThanOrEqual(2);
    }
  });
  it('Rastrigin keeps its egg-crate: dozens of rings at the middle levels', () => {
    const counts = contourLevels('rastrigin').map((l) => l.coordinates.length);
    expect(Math.max(...counts)).toBeGreaterThan(30);
  });
  it("levels rise from the floor to the largest value, and the grid is the plot's", () => {
    const levels = contourLevels('quadratic');
    expect(levels.every((l, i) => i === 0 || l.value > levels[i - 1]!.value)).toBe(true);
    const xs = levels.flatMap((l) => l.coordinates.flat(2).map((p) => p[0]!));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(GRID);
  });
  it('an unknown function is refused by name', () => {
    expect(() => contourLevels('himmelblau')).toThrow(/Unknown function "himmelblau". Known: rosenbrock/);
  });
});

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
