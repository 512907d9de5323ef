/** The 2-D explainer's line-up, its contours and what it shows of each optimizer. */
import { quantileSorted } from 'd3-array';
import { contours, type ContourMultiPolygon } from 'd3-contour';
import { FORMULAS_2D, NUMBERS } from '../../lib/functions2d';

/** The plot's side in SVG units, and the contour grid's resolution. */
export const SIZE = 420;
export const GRID = 160;
/** Contour levels a plot draws. */
export const LEVELS = 14;
/** The share of the plot below the lowest level: levels the grid cannot resolve are not drawn (see contourLevels). */
export const FLOOR_SHARE = 0.02;

/**
 * The contours of a test function over its view, on a log scale (log10(f + 1e-3)), in grid coordinates
 * ([0, grid]², y up): LEVELS levels evenly spaced from the value below which FLOOR_SHARE of the plot lies to the
 * largest. The floor is what keeps a narrow valley honest: Rosenbrock's region below f lies within √f/10 of the
 * parabola, so a level near its minimum traces a band thinner than a grid cell, which marching squares draw as a
 * zigzag with islands that are not in the function. A region that covers 2 % of the plot is wide enough.
 */
export function contourLevels(fn: string, grid = GRID): ContourMultiPolygon[] {
  const spec = FORMULAS_2D[fn];
  if (!spec) throw new Error(`Unknown function "${fn}". Known: ${Object.keys(FORMULAS_2D).join(', ')}.`);
  const [vx0, vx1, vy0, vy1] = spec.view;
  const values = new Array<number>(grid * grid);
  for (let j = 0; j < grid; j++) {
    for (let i = 0; i < grid; i++) {
      const x = vx0 + ((i + 0.5) / grid) * (vx1 - vx0);
      const y = vy0 + ((j + 0.5) / grid) * (vy1 - vy0);
      values[j * grid + i] = Math.log10(spec.f(NUMBERS, x, y, 10) + 1e-3);
    }
  }
  const sorted = [...values].sort((a, b) => a - b);
  const lo = quantileSorted(sorted, FLOOR_SHARE)!;
  const hi = sorted[sorted.length - 1]!;
  const thresholds = Array.from({ length: LEVELS }, (_, k) => lo + ((k + 0.5) * (hi - lo)) / LEVELS);
  return contours().size([grid, grid]).thresholds(thresholds)(values);
}

/** The optimizers stepped side by side; the constant rates suit each function (the loss-based ones need none). */
export const OPTIMIZERS: { id: string; title: string; optimizer: string; options: (fn: string) => Record<string, number> }[] = [
  { id: 'l4adam', title: 'L4Adam', optimizer: 'l4adam', options: () => ({}) },
  { id: 'l4mom', title: 'L4Mom', optimizer: 'l4mom', options: () => ({}) },
  { id: 'polyak', title: 'Polyak (f* = 0)', optimizer: 'polyak', options: () => ({ fStar: 0, alpha: 0.5 }) },
  { id: 'adam', title: 'Adam', optimizer: 'adam', options: (fn) => ({ learningRate: fn === 'quadratic' ? 0.1 : 0.02 }) },
  {
    id: 'sgd',
    title: 'SGD',
    optimizer: 'sgd',
    options: (fn) => ({ learningRate: fn === 'quadratic' ? 0.01 : fn === 'rastrigin' ? 0.002 : 0.001 }),
  },
];

/** One optimizer's run as the explainer shows it: its path (x, y pairs) and its last step's numbers. */
export interface Live {
  path: number[];
  loss: number | null;
  eta: number | null;
  lossMin: number | null;
  gDotV: number | null;
  steps: number;
  status: string;
}

/** The most points a path keeps; beyond it, older points are thinned (never the start, never the last RECENT). */
export const MAX_PATH_POINTS = 2000;
const RECENT = 200;

/**
 * A flat path [x0, y0, x1, y1, …] kept to at most MAX_PATH_POINTS points: every other point of its older part is
 * dropped (the start stays), so the whole way from the start remains drawn, coarser where it is older, rather than
 * only its last points (all at the minimum once a run has converged).
 */
export function thinPath(path: readonly number[]): number[] {
  const n = path.length / 2;
  if (n <= MAX_PATH_POINTS) return [...path];
  const old = n - RECENT;
  const out: number[] = [];
  for (let i = 0; i < old; i += 2) out.push(path[2 * i]!, path[2 * i + 1]!);
  out.push(...path.slice(2 * old));
  return out.length / 2 > MAX_PATH_POINTS ? thinPath(out) : out;
}
