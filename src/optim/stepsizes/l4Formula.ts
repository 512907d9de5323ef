import { StepFlags } from '../flags';

/** The settings L4's epilogue reads (Sec. 2.4; the gradient timescale acts before it, on gᵀv). */
export interface L4EpilogueSettings {
  readonly alpha: number;
  readonly gamma: number;
  readonly gamma0: number;
  readonly epsilon: number;
  readonly tau: number;
}

export interface L4EpilogueResult {
  /** η, the step along v: Δθ = −η·v. 0 when the step is skipped. */
  readonly effectiveLr: number;
  /** L_min as this step used it (γ0·L at the first valid loss, then min(L_min, L)). */
  readonly lossMinUsed: number;
  /** L_min after forgetting: the state the next step starts from. */
  readonly lossMin: number;
  /** L − γ·L_min. */
  readonly numerator: number;
  /** `StepFlags` bits: why the step was skipped, if it was. */
  readonly flags: number;
}

/**
 * THE L4 rule's scalar part, the normative version (Rolínek & Martius 2018), given the loss L, the state
 * L_min (+∞ before the first valid loss) and gᵀv:
 *
 *   L_min ← γ0·L at the first valid loss, min(L_min, L) after          (Sec. 2.4)
 *   η = α·(L − γ·L_min) / (gᵀv + ε)                                     (eqs. 3–6)
 *   L_min ← (1 + 1/τ)·L_min                                             (eq. 5, forgetting)
 *
 * A non-finite or negative loss (the formula assumes L ≥ 0) leaves L_min as it was and takes no step; so
 * does gᵀv ≤ 0 or a non-finite denominator. `round` rounds every operation's result: `Math.fround` gives
 * float32 exactly as the kernels compute it (kernels/l4Epilogue.*, each tested against this function), the
 * identity gives float64 (the teaching page). Every backend's fused kernel and the op-by-op fallback compute
 * exactly this.
 */
export function l4Epilogue(
  loss: number,
  lossMin: number,
  gDotV: number,
  h: L4EpilogueSettings,
  round: (x: number) => number = (x) => x,
): L4EpilogueResult {
  const f = round;
  const [alpha, gamma, gamma0, epsilon, forget] = [h.alpha, h.gamma, h.gamma0, h.epsilon, 1 + 1 / h.tau].map(f) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const lossFinite = Number.isFinite(loss);
  const lossNegative = loss < 0;
  const lossValid = lossFinite && !lossNegative;
  const seen = Math.abs(lossMin) === Infinity ? f(loss * gamma0) : Math.min(lossMin, loss);
  const lossMinUsed = lossValid ? seen : lossMin;
  const numerator = f(loss - f(lossMinUsed * gamma));
  const denominator = f(gDotV + epsilon);
  const denominatorOk = Number.isFinite(denominator) && gDotV > 0;
  return {
    effectiveLr: lossValid && denominatorOk ? f(f(numerator / denominator) * alpha) : 0,
    lossMinUsed,
    lossMin: lossValid ? f(lossMinUsed * forget) : lossMinUsed,
    numerator,
    flags:
      (lossFinite ? 0 : StepFlags.nonFiniteLoss) +
      (lossNegative ? StepFlags.lossBelowFloor : 0) +
      (denominatorOk ? 0 : StepFlags.badDenominator),
  };
}
