import { StepFlags } from '../flags';
import { float64Ops, type ScalarFormula, type ScalarOps } from '../kernels/scalarOps';

/** The settings L4's scalar part reads (Sec. 2.4; the gradient timescale acts before it, on gᵀv). */
export interface L4EpilogueSettings {
  readonly alpha: number;
  readonly gamma: number;
  readonly gamma0: number;
  readonly epsilon: number;
  readonly tau: number;
}

/** What the formula gives, as numbers or device scalars. */
export interface L4EpilogueValues<T> {
  /** η, the step along v: Δθ = −η·v. 0 when the step is skipped. */
  readonly effectiveLr: T;
  /** L_min as this step used it (γ0·L at the first valid loss, then min(L_min, L)). */
  readonly lossMinUsed: T;
  /** L_min after forgetting: the state the next step starts from. */
  readonly lossMin: T;
  /** L − γ·L_min. */
  readonly numerator: T;
  /** `StepFlags` bits: why the step was skipped, if it was. */
  readonly flags: T;
}

export type L4EpilogueResult = L4EpilogueValues<number>;

/**
 * THE L4 rule's scalar part (Rolínek & Martius 2018), written once over the scalar arithmetic, given the loss L,
 * the state L_min (+∞ before the first valid loss) and gᵀv:
 *
 *   L_min ← γ0·L at the first valid loss, min(L_min, L) after          (Sec. 2.4)
 *   η = α·(L − γ·L_min) / (gᵀv + ε)                                     (eqs. 3–6)
 *   L_min ← (1 + 1/τ)·L_min                                             (eq. 5, forgetting)
 *
 * A non-finite or negative loss (the formula assumes L ≥ 0) leaves L_min as it was and takes no step; so does
 * gᵀv ≤ 0 or a non-finite denominator. The rule runs it on the device (`l4StepFormula`); the teaching page
 * evaluates it in float64 (`l4Epilogue`).
 */
export function l4Body<T, B>(x: ScalarOps<T, B>, v: { loss: T; lossMin: T; gDotV: T }, h: L4EpilogueSettings): L4EpilogueValues<T> {
  const zero = x.c(0);
  const lossFinite = x.finite(v.loss);
  const lossNegative = x.gt(zero, v.loss);
  const valid = x.and(lossFinite, x.not(lossNegative));
  // +Inf marks "no valid loss seen yet": the first valid loss initialises L_min to γ0·L.
  const seen = x.select(x.finite(v.lossMin), x.min(v.lossMin, v.loss), x.mul(v.loss, x.c(h.gamma0)));
  const used = x.select(valid, seen, v.lossMin);
  const numerator = x.sub(v.loss, x.mul(used, x.c(h.gamma)));
  const denominator = x.add(v.gDotV, x.c(h.epsilon));
  const denominatorOk = x.and(x.finite(denominator), x.gt(v.gDotV, zero));
  const flags = x.add(
    x.add(x.select(lossFinite, zero, x.c(StepFlags.nonFiniteLoss)), x.select(lossNegative, x.c(StepFlags.lossBelowFloor), zero)),
    x.select(denominatorOk, zero, x.c(StepFlags.badDenominator)),
  );
  return {
    effectiveLr: x.select(x.and(valid, denominatorOk), x.mul(x.div(numerator, denominator), x.c(h.alpha)), zero),
    lossMinUsed: used,
    lossMin: x.select(valid, x.mul(used, x.c(1 + 1 / h.tau)), used),
    numerator,
    flags,
  };
}

type L4Out = 'effectiveLr' | 'lossMin' | 'numerator' | 'flags';

/** `l4Body` as a scalar formula: one kernel on every backend (kernels/scalarFormula.ts). */
export function l4StepFormula(h: L4EpilogueSettings): ScalarFormula<'loss' | 'lossMin' | 'gDotV', L4Out> {
  return {
    name: 'L4Step',
    inputs: ['loss', 'lossMin', 'gDotV'],
    outputs: ['effectiveLr', 'lossMin', 'numerator', 'flags'],
    body: (x, v) => {
      const { lossMinUsed: _, ...out } = l4Body(x, v, h);
      return out;
    },
  };
}

/** The formula on numbers: float64 by default (the teaching page), or any other arithmetic (`float32Ops`). */
export const l4Epilogue = (
  loss: number,
  lossMin: number,
  gDotV: number,
  h: L4EpilogueSettings,
  ops: ScalarOps<number, boolean> = float64Ops,
): L4EpilogueResult => l4Body(ops, { loss, lossMin, gDotV }, h);
