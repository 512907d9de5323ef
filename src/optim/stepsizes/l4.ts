import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { L4_DIAGNOSTICS, L4_SETTINGS } from '../catalogue';
import { L4_DEFAULTS } from '../defaults';
import { HyperparameterError } from '../flags';
import { runScalarFormula } from '../kernels/scalarFormula';
import { checkParam, refuseUnknown } from '../settings';
import { decayOf, dot, dots, emaScale, sameTimescale, sumDecay } from '../tensors';
import type { Hyper, Tensors } from '../types';
import { l4StepFormula } from './l4Formula';
import type { StepsizeRule } from './rule';

/** L4's settings as the rule holds them, named as in the paper (Sec. 2.4). */
export type L4Hyper = { readonly [K in keyof typeof L4_DEFAULTS]: number };

/**
 * L4's options: α (eq. 3), γ (eq. 6), τ (eq. 5), γ0, ε (eq. 6) and the gradient timescale τm (eq. 7); each one's
 * meaning, default and domain is in catalogue.ts (`L4_SETTINGS`, which `npm run lab -- --help` prints).
 */
export type L4Options = Partial<L4Hyper>;

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
 * This file finds gᵀv; the scalar part (L_min, the guards, η, forgetting) is the formula of l4Formula.ts,
 * one kernel on every backend (kernels/scalarFormula.ts). g is the bias-corrected gradient EMA with timescale τm (eq. 7),
 * which keeps gᵀv ≥ 0 for the Adam and momentum directions.
 */
export function l4Rule(opts: L4Options = {}): StepsizeRule<L4State, L4Hyper> {
  refuseUnknown(
    'L4',
    opts,
    L4_SETTINGS.map((s) => s.key),
  );
  const hyper: L4Hyper = { ...L4_DEFAULTS, ...opts };
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
      const { alpha, gamma, tau, gamma0, epsilon, gradTimescale } = h;
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
      const e = runScalarFormula(l4StepFormula({ alpha, gamma, gamma0, epsilon, tau }), { loss: loss as Scalar, lossMin: state.lossMin, gDotV });
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
