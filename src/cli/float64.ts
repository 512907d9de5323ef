/**
 * A second, independent implementation of Fig. 2's setting in float64 on the host: the deep linear regression
 * and SGD, Adam, momentum, L4Adam and L4Mom written out element by element from the golden traces' semantics
 * (src/optim/__fixtures__/golden/README.md), with no tfjs and no code shared with src/optim (only the task's random draws). It answers one question:
 * whether a result on `regression` comes from the setting or from float32 and our optimizer library
 * (`npm run lab -- reproduce fig2 --float64`). float64.test.ts holds it to the golden traces.
 */
import { regressionDraws } from '../tasks/regression';

/** The regression's fixed data: A (k×d), and S = X·Xᵀ (d×d), all the loss needs; scale 1 (sum) or 1/N (mean). */
export interface Problem64 {
  readonly k: number;
  readonly d: number;
  readonly A: Float64Array;
  readonly S: Float64Array;
  readonly scale: number;
}

/** Row-major product of an (r×m) and an (m×c) matrix. */
function mm(a: Float64Array, b: Float64Array, r: number, m: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++)
    for (let l = 0; l < m; l++) {
      const x = a[i * m + l]!;
      if (x === 0) continue;
      for (let j = 0; j < c; j++) out[i * c + j]! += x * b[l * c + j]!;
    }
  return out;
}

function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!;
  return out;
}

/** A problem from A (k×d) and X (d×n), row-major. */
export function problemFrom(A: Float64Array, X: Float64Array, k: number, d: number, n: number, mean: boolean): Problem64 {
  return { k, d, A, S: mm(X, transpose(X, d, n), d, n, d), scale: mean ? 1 / n : 1 };
}

/**
 * The `regression` task's problem and initial weights for a seed: the task's own draws (regressionDraws), kept
 * in float64 (Y = A·X is not rounded to float32).
 */
export function regressionProblem(seed: number, kappa = 1e10, n = 1000): { problem: Problem64; init: Float64Array[] } {
  const { k, d, A, X, W1, W2 } = regressionDraws(seed, kappa, n);
  return { problem: problemFrom(A, Float64Array.from(X), k, d, n, false), init: [Float64Array.from(W1), Float64Array.from(W2)] };
}

/**
 * loss = scale·Σ_n ‖(W1·W2 − A)·x_n‖² = scale·tr(E·S·Eᵀ) with E = W1·W2 − A, and its gradients
 * 2·scale·E·S·W2ᵀ and 2·scale·W1ᵀ·E·S.
 */
export function lossAndGrads(p: Problem64, [W1, W2]: readonly Float64Array[]): { loss: number; grads: Float64Array[] } {
  const { k, d } = p;
  const E = mm(W1!, W2!, k, d, d);
  for (let i = 0; i < E.length; i++) E[i]! -= p.A[i]!;
  const ES = mm(E, p.S, k, d, d);
  let loss = 0;
  for (let i = 0; i < E.length; i++) loss += ES[i]! * E[i]!;
  const G = ES.map((x) => 2 * p.scale * x);
  return { loss: p.scale * loss, grads: [mm(G, transpose(W2!, d, d), k, d, d), mm(transpose(W1!, k, d), G, d, k, d)] };
}

export type Spec64 =
  | { readonly kind: 'sgd' | 'momentum'; readonly lr: number }
  /** `tensorflowEpsilon`: ε added to the uncorrected √s, as TensorFlow's AdamOptimizer (the paper's baseline). */
  | { readonly kind: 'adam'; readonly lr: number; readonly tensorflowEpsilon?: boolean }
  | {
      readonly kind: 'l4adam' | 'l4mom';
      readonly alpha?: number;
      readonly gamma?: number;
      readonly tau?: number;
      readonly gamma0?: number;
    };

/** One optimiser's state and step, in place on the parameters; returns the stepsize used (η or lr). */
export function optimizer64(
  spec: Spec64,
  shapes: readonly number[],
): (params: Float64Array[], grads: readonly Float64Array[], loss: number) => number {
  const zeros = () => shapes.map((n) => new Float64Array(n));
  const m = zeros();
  const s = zeros();
  let t = 0;
  let lossMin = NaN;
  const [b1, b2, epsAdam] = [0.9, 0.999, 1e-4];
  return (params, grads, loss) => {
    t++;
    if (spec.kind === 'sgd') {
      params.forEach((p, i) => p.forEach((_, j) => (p[j]! -= spec.lr * grads[i]![j]!)));
      return spec.lr;
    }
    if (spec.kind === 'momentum') {
      params.forEach((p, i) =>
        p.forEach((_, j) => {
          m[i]![j] = 0.9 * m[i]![j]! + grads[i]![j]!;
          p[j]! -= spec.lr * m[i]![j]!;
        }),
      );
      return spec.lr;
    }
    // Bias-corrected EMAs, started at zero.
    const c1 = 1 - Math.pow(b1, t);
    const c2 = 1 - Math.pow(b2, t);
    const adamDir = spec.kind !== 'l4mom';
    const g: Float64Array[] = [];
    const v: Float64Array[] = [];
    grads.forEach((gr, i) => {
      const gi = new Float64Array(gr.length);
      const vi = new Float64Array(gr.length);
      for (let j = 0; j < gr.length; j++) {
        m[i]![j] = b1 * m[i]![j]! + (1 - b1) * gr[j]!;
        s[i]![j] = b2 * s[i]![j]! + (1 - b2) * gr[j]! * gr[j]!;
        gi[j] = m[i]![j]! / c1;
        // TensorFlow: lr·√c2/c1 · m/(√s + ε) = lr · ĝ/(√(s/c2) + ε/√c2).
        const eps = spec.kind === 'adam' && spec.tensorflowEpsilon ? epsAdam / Math.sqrt(c2) : epsAdam;
        vi[j] = adamDir ? gi[j]! / (Math.sqrt(s[i]![j]! / c2) + eps) : gi[j]!;
      }
      g.push(gi);
      v.push(vi);
    });
    let eta: number;
    if (spec.kind === 'adam') eta = spec.lr;
    else {
      const { alpha = 0.15, gamma = 0.9, tau = 1000, gamma0 = 0.75 } = spec as Extract<Spec64, { kind: 'l4adam' | 'l4mom' }>;
      lossMin = t === 1 ? gamma0 * loss : Math.min(lossMin, loss);
      let gv = 0;
      g.forEach((gi, i) => gi.forEach((x, j) => (gv += x * v[i]![j]!)));
      eta = (alpha * (loss - gamma * lossMin)) / (gv + 1e-12);
      lossMin *= 1 + 1 / tau;
    }
    params.forEach((p, i) => p.forEach((_, j) => (p[j]! -= eta * v[i]![j]!)));
    return eta;
  };
}

/** Runs `steps` steps; returns the loss seen at each step (before its update) and the stepsizes used. */
export function run64(
  problem: Problem64,
  init: readonly Float64Array[],
  spec: Spec64,
  steps: number,
): { losses: number[]; etas: number[]; params: Float64Array[] } {
  const params = init.map((p) => Float64Array.from(p));
  const step = optimizer64(
    spec,
    params.map((p) => p.length),
  );
  const losses: number[] = [];
  const etas: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { loss, grads } = lossAndGrads(problem, params);
    losses.push(loss);
    if (!Number.isFinite(loss)) break;
    etas.push(step(params, grads, loss));
  }
  return { losses, etas, params };
}
