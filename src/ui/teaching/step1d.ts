import { makeRng } from '../../lib/rng';
import { StepFlags } from '../../optim/flags';
import { l4Epilogue } from '../../optim/stepsizes/l4Formula';

/**
 * The 1-D explainer's arithmetic, in float64 and free of tfjs (the teaching page loads instantly and works
 * offline). It is the optimizer library's step written out for one parameter with v = g = f′(x):
 * L4 over plain gradients (gradient timescale 1) and classic Polyak. `step1d.test.ts` checks it against the
 * library step by step.
 */

export const FUNCTIONS_1D = {
  quadratic: {
    title: '½·a·x²',
    f: (x: number, a: number) => 0.5 * a * x * x,
    df: (x: number, a: number) => a * x,
    fStar: 0,
    range: [-3, 3],
  },
  quartic: { title: 'x⁴/4', f: (x: number) => x ** 4 / 4, df: (x: number) => x ** 3, fStar: 0, range: [-2.2, 2.2] },
  bump: {
    title: 'non-convex bump x²/2 + 1.5·e^{−(x−1)²/0.3}',
    f: (x: number) => 0.5 * x * x + 1.5 * Math.exp(-((x - 1) ** 2) / 0.3),
    df: (x: number) => x - (1.5 * Math.exp(-((x - 1) ** 2) / 0.3) * (2 * (x - 1))) / 0.3,
    // The minimum value, found numerically (the minimum sits left of the bump).
    fStar: 0.0787,
    range: [-2.5, 3],
  },
  abs: { title: '|x|', f: (x: number) => Math.abs(x), df: (x: number) => Math.sign(x), fStar: 0, range: [-3, 3] },
} as const;

export type Fn1D = keyof typeof FUNCTIONS_1D;

export interface Step1dSettings {
  readonly fn: Fn1D;
  /** Curvature a of the quadratic. */
  readonly a: number;
  readonly rule: 'l4' | 'polyak' | 'sgd';
  readonly alpha: number;
  readonly gamma: number;
  readonly tau: number;
  readonly gamma0: number;
  /** Polyak's assumed minimum value. */
  readonly fStar: number;
  /** SGD's learning rate. */
  readonly lr: number;
  /** Loss scale and shift, for the Sec. 2.3 demonstrations: L = scale·f + shift. */
  readonly scale: number;
  readonly shift: number;
  /** Minibatch-like noise: each step evaluates f at x + noise·ξ, ξ ~ N(0, 1). */
  readonly noise: number;
  /** "A bad batch": the step of this index (0-based) sees a NaN loss and gradient, and is skipped; null: none. */
  readonly badStep: number | null;
}

export const DEFAULT_1D: Step1dSettings = {
  fn: 'quadratic',
  a: 1,
  rule: 'l4',
  alpha: 0.15,
  gamma: 0.9,
  tau: 1000,
  gamma0: 0.75,
  fStar: 0,
  lr: 0.1,
  scale: 1,
  shift: 0,
  noise: 0,
  badStep: null,
};

/** What one step does, with every number the page shows. */
export interface Step1d {
  readonly x: number;
  /** The loss L(x) and its slope g = v = L′(x). */
  readonly loss: number;
  readonly g: number;
  /** The level the linearisation aims at: γ·L_min for L4, f* for Polyak; null for SGD. */
  readonly target: number | null;
  /** L − target, and g·v = g². */
  readonly numerator: number | null;
  readonly gDotV: number;
  /** The effective stepsize η and the point after the step. */
  readonly eta: number;
  readonly next: number;
  /** Where the tangent meets the target (the full step, α = 1), or null. */
  readonly fullStep: number | null;
  /** L_min as the step used it, and after forgetting. */
  readonly lossMinUsed: number | null;
  readonly lossMinAfter: number | null;
  /** Why no step was taken, if none was. */
  readonly skipped: string | null;
}

const EPSILON = 1e-12;

/** L and L′ at x; with noise, at x + ξ (a batch's view of the loss). */
export function lossAt(s: Step1dSettings, x: number, xi = 0): { loss: number; g: number } {
  const fn = FUNCTIONS_1D[s.fn];
  return { loss: s.scale * fn.f(x + xi, s.a) + s.shift, g: s.scale * fn.df(x + xi, s.a) };
}

/** Why a bad batch's step is skipped, as the page says it. */
export const BAD_BATCH = 'this batch’s loss and gradient are NaN, so the step is skipped: x and L_min stay as they were';

/**
 * One step from x. `lossMin` is L4's state before the step (+∞ before the first): the first step sets it
 * to γ0·L, later steps to min(L_min, L); the step aims at γ·L_min; then L_min ← (1 + 1/τ)·L_min. A `bad` step
 * (a batch whose loss and gradient are NaN) is skipped as the library skips it (optim/skip.ts): nothing changes.
 */
export function step1d(s: Step1dSettings, x: number, lossMin: number, xi = 0, bad = false): Step1d {
  if (bad) {
    const kept = Number.isFinite(lossMin) ? lossMin : null;
    return {
      x,
      loss: NaN,
      g: NaN,
      target: null,
      numerator: null,
      gDotV: NaN,
      eta: 0,
      next: x,
      fullStep: null,
      lossMinUsed: kept,
      lossMinAfter: s.rule === 'sgd' ? null : lossMin,
      skipped: BAD_BATCH,
    };
  }
  const { loss, g } = lossAt(s, x, xi);
  const gDotV = g * g;
  if (s.rule === 'sgd') {
    return {
      x,
      loss,
      g,
      target: null,
      numerator: null,
      gDotV,
      eta: s.lr,
      next: x - s.lr * g,
      fullStep: null,
      lossMinUsed: null,
      lossMinAfter: null,
      skipped: null,
    };
  }
  if (s.rule === 'l4') {
    // The library's own L4 formula, in float64.
    const e = l4Epilogue(loss, lossMin, gDotV, { alpha: s.alpha, gamma: s.gamma, gamma0: s.gamma0, epsilon: EPSILON, tau: s.tau });
    const target = Number.isFinite(e.lossMinUsed) ? s.gamma * e.lossMinUsed : null;
    return {
      x,
      loss,
      g,
      target,
      numerator: target === null ? null : e.numerator,
      gDotV,
      eta: e.effectiveLr,
      next: x - e.effectiveLr * g,
      fullStep: target !== null && g !== 0 ? x - e.numerator / g : null,
      lossMinUsed: Number.isFinite(e.lossMinUsed) ? e.lossMinUsed : null,
      lossMinAfter: e.lossMin,
      skipped: skipReason(e.flags, 'the loss is negative'),
    };
  }
  // Classic Polyak: η = α·(L − f*)/(g² + ε).
  const numerator = loss - s.fStar;
  const flags =
    (Number.isFinite(loss) ? 0 : StepFlags.nonFiniteLoss) +
    (numerator < 0 ? StepFlags.lossBelowFloor : 0) +
    (gDotV > 0 ? 0 : StepFlags.badDenominator);
  const eta = flags ? 0 : (s.alpha * numerator) / (gDotV + EPSILON);
  return {
    x,
    loss,
    g,
    target: s.fStar,
    numerator,
    gDotV,
    eta,
    next: x - eta * g,
    fullStep: g !== 0 ? x - numerator / g : null,
    lossMinUsed: null,
    lossMinAfter: null,
    skipped: skipReason(flags, 'the loss is below f*'),
  };
}

/** Why a step was skipped, from its flags, in words. */
function skipReason(flags: number, belowFloor: string): string | null {
  if (flags & StepFlags.nonFiniteLoss) return 'the loss is not finite';
  if (flags & StepFlags.lossBelowFloor) return belowFloor;
  if (flags & StepFlags.badDenominator) return 'the slope is zero (gᵀv = 0)';
  return null;
}

/** `n` steps from x0: the path and each step's numbers. Noise comes from a seeded stream. */
export function run1d(s: Step1dSettings, x0: number, n: number, lossMin0 = Infinity, seed = 1): Step1d[] {
  const out: Step1d[] = [];
  const rng = makeRng(seed, 'teaching-noise');
  let x = x0;
  let lossMin = lossMin0;
  for (let i = 0; i < n; i++) {
    // The noise is drawn for every step, a bad one too, so that the other steps see the same batches.
    const xi = s.noise > 0 ? s.noise * rng.normal() : 0;
    const st = step1d(s, x, lossMin, xi, s.badStep === i);
    out.push(st);
    x = st.next;
    if (st.lossMinAfter !== null) lossMin = st.lossMinAfter;
    if (!Number.isFinite(x)) break;
  }
  return out;
}
