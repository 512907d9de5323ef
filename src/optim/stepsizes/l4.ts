import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { L4_DIAGNOSTICS, L4_SETTINGS } from '../catalogue';
import { L4_DEFAULTS } from '../defaults';
import { HyperparameterError } from '../flags';
import { l4EpilogueOnDevice } from '../kernels/l4Epilogue';
import { checkParam } from '../settings';
import { decayOf, dot, dots, emaScale, sameTimescale, sumDecay } from '../tensors';
import type { Hyper, Tensors } from '../types';
import type { StepsizeRule } from './rule';

/** L4's settings, named as in the paper (Sec. 2.4); domains and defaults in catalogue.ts (`L4_SETTINGS`). */
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
 * The L4 stepsize rule (Rolínek & Martius, eqs. 3–7): Δθ = −η·v with η = α·(L − γ·L_min)/(gᵀv + ε).
 * This file finds gᵀv; the scalar part (L_min, the guards, η, forgetting) is `l4Epilogue` in l4Formula.ts,
 * run on the device by kernels/l4Epilogue.ts. g is the bias-corrected gradient EMA with timescale τm (eq. 7),
 * which keeps gᵀv ≥ 0 for the Adam and momentum directions.
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
      // For L4Mom v is g itself, so ‖v‖² comes for free; otherwise it comes with gᵀv, which on WebGL and
      // WebGPU shares their dispatches (the step would compute it anyway, for ‖Δθ‖).
      let gDotV: Scalar;
      let vNormSq: Scalar;
      if (gBase === v) {
        vNormSq = dot(gBase, v);
        gDotV = tf.mul(vNormSq, gScale * vScale) as Scalar;
      } else {
        const pairs = [[gBase, v] as const, [v, v] as const];
        [gDotV, vNormSq] = dots(pairs, [gScale * vScale, 1]) as [Scalar, Scalar];
      }
      const e = l4EpilogueOnDevice(loss as Scalar, state.lossMin, gDotV, { alpha, gamma, gamma0, epsilon, tau });
      return {
        effectiveLr: e.effectiveLr,
        flags: e.flags,
        state: { lossMin: e.lossMin, gradEma: ownEma ?? state.gradEma },
        diagnostics: { lossMin: e.lossMin, numerator: e.numerator, gDotV },
        vNormSq,
      };
    },
  };
}
