import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { HyperparameterError } from '../flags';
import { L4_DIAGNOSTICS, L4_SETTINGS } from '../catalogue';
import { checkParam } from '../settings';
import { decayOf, dot, dots, emaScale, sameTimescale, sumDecay } from '../tensors';
import type { Hyper, Tensors } from '../types';
import type { StepsizeRule } from './rule';
import { fusedEpilogue, fusedEpilogueAvailable } from './l4Fused';
import { L4_DEFAULTS } from '../defaults';

/** L4's settings, named as in the paper (Sec. 2.4). */
export interface L4Options {
  /** Fraction of the linearised step taken (eq. 3). Default 0.15; the relevant range is 0.10–0.30. */
  alpha?: number;
  /** Fraction of the lowest seen loss believed achievable (eq. 6). Default 0.9. */
  gamma?: number;
  /** Timescale over which L_min is forgotten (eq. 5). Default 1000. */
  tau?: number;
  /** L_min starts at γ0·L of the first loss. Default 0.75. */
  gamma0?: number;
  /** Regulariser of the denominator gᵀv (eq. 6). Default 1e-12. */
  epsilon?: number;
  /** Timescale τm of the gradient EMA used as the estimate g (eq. 7). Default 10. */
  gradTimescale?: number;
}

export { L4_DEFAULTS };

export interface L4State {
  /** L_min after forgetting; +Inf until the first valid loss is seen. */
  readonly lossMin: Scalar;
  /** Our own gradient running sum (see `sumDecay`), only when the direction does not keep one with timescale τm. */
  readonly gradEma: Tensors | null;
}

/** Checks L4's settings against their one spec (catalogue.ts), throwing a sentence naming the bad one. */
export function validateL4Hyper(h: Hyper): void {
  for (const spec of L4_SETTINGS) {
    const problem = checkParam(spec, h[spec.key] as number, spec.key);
    if (problem) throw new HyperparameterError(spec.key, `L4: ${problem}`);
  }
}

/**
 * The L4 stepsize (Rolínek & Martius, eqs. 3–7 and Sec. 2.4), entirely as device ops:
 *
 *   L_min ← γ0·L at the first step, min(L_min, L) after;
 *   η = α·(L − γ·L_min) / (gᵀv + ε), Δθ = −η·v;
 *   then L_min ← (1 + 1/τ)·L_min.
 *
 * g is the bias-corrected gradient EMA with timescale τm, which guarantees gᵀv ≥ 0 for the Adam and
 * momentum directions. Edge cases take no step (η = 0) and set a flag: a non-finite loss, a negative loss
 * (the formula assumes L ≥ 0), and gᵀv ≤ 0 or a non-finite denominator. A skipped loss leaves L_min as is.
 */
export function l4Rule(opts: L4Options = {}): StepsizeRule<L4State> {
  const hyper = { ...L4_DEFAULTS, ...opts };
  return {
    name: 'l4',
    diagnostics: L4_DIAGNOSTICS.map((d) => d.key),
    needsLoss: true,
    hyper,
    validateHyper: validateL4Hyper,
    init: (params, direction) => ({
      lossMin: tf.scalar(Infinity),
      gradEma: sameTimescale(direction.gradEmaTimescale, hyper.gradTimescale) ? null : params.map((p) => tf.zerosLike(p)),
    }),
    stepsize: ({ grads, v, vScale, gradEma, gradEmaScale, gradEmaTimescale, loss, hyper: h, count, state }) => {
      const L = loss as Scalar;
      const { alpha, gamma, tau, gamma0, epsilon, gradTimescale } = h as typeof L4_DEFAULTS;

      // g = gScale·gBase: reuse the direction's EMA when it is the same average (Adam's m̂, the EMA
      // momentum), else keep our own running sum.
      let gBase: Tensors;
      let gScale: number;
      let ownEma: Tensors | null = null;
      if (gradEma !== undefined && sameTimescale(gradEmaTimescale, gradTimescale) && state.gradEma === null) {
        gBase = gradEma;
        gScale = gradEmaScale as number;
      } else {
        const d = decayOf(gradTimescale);
        ownEma = sumDecay(state.gradEma ?? grads.map((x) => tf.zerosLike(x)), grads, d);
        gBase = ownEma;
        gScale = emaScale(d, count + 1);
      }

      // For L4Mom v is g itself, so ‖v‖² comes for free; otherwise it is computed here with gᵀv, which on
      // WebGL and WebGPU shares their dispatches (the step would compute it anyway, for ‖Δθ‖).
      let gDotV: Scalar;
      let vNormSq: Scalar;
      if (gBase === v) {
        vNormSq = dot(gBase, v);
        gDotV = tf.mul(vNormSq, gScale * vScale) as Scalar;
      } else {
        [gDotV, vNormSq] = dots(
          [
            [gBase, v],
            [v, v],
          ],
          [gScale * vScale, 1],
        ) as [Scalar, Scalar];
      }
      const vNorm = { vNormSq };
      if (fusedEpilogueAvailable()) {
        const f = fusedEpilogue(L, state.lossMin, gDotV, { alpha, gamma, gamma0, epsilon, tau });
        return {
          eta: f.eta,
          flags: f.flags,
          state: { lossMin: f.lossMin, gradEma: ownEma ?? state.gradEma },
          diagnostics: { lossMin: f.lossMin, numerator: f.numerator, gDotV },
          ...vNorm,
        };
      }

      const lossFinite = tf.isFinite(L);
      const lossNegative = tf.less(L, 0);
      const lossValid = tf.logicalAnd(lossFinite, tf.logicalNot(lossNegative));
      // +Inf marks "no valid loss seen yet": the first valid loss initialises L_min to γ0·L.
      const seen = tf.where(tf.isInf(state.lossMin), tf.mul(L, gamma0), tf.minimum(state.lossMin, L));
      const lossMin = tf.where(lossValid, seen, state.lossMin) as Scalar;
      const numerator = tf.sub(L, tf.mul(lossMin, gamma)) as Scalar;
      const denominator = tf.add(gDotV, epsilon);
      const denomOk = tf.logicalAnd(tf.isFinite(denominator), tf.greater(gDotV, 0));
      const ok = tf.logicalAnd(lossValid, denomOk);
      const eta = tf.where(ok, tf.mul(tf.div(numerator, denominator), alpha), tf.zerosLike(L)) as Scalar;
      const flags = tf.addN([
        tf.cast(tf.logicalNot(lossFinite), 'float32'),
        tf.mul(tf.cast(lossNegative, 'float32'), 2),
        tf.mul(tf.cast(tf.logicalNot(denomOk), 'float32'), 4),
      ]) as Scalar;
      const forgotten = tf.where(lossValid, tf.mul(lossMin, 1 + 1 / tau), lossMin) as Scalar;
      return {
        eta,
        flags,
        state: { lossMin: forgotten, gradEma: ownEma ?? state.gradEma },
        diagnostics: { lossMin: forgotten, numerator, gDotV },
        ...vNorm,
      };
    },
  };
}
