/** The 2-D explainer's line-up and what it shows of each optimizer. */

/** The plot's side in SVG units, and the contour grid's resolution. */
export const SIZE = 420;
export const GRID = 100;

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
