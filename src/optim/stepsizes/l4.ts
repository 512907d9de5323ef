import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import type { SettingsOf } from '../../lib/settings';
import { finish, type RecipeOptions, type Transform } from '../compose';
import { adamDirection } from '../directions/adam';
import { cautiousDirection } from '../directions/cautious';
import { emaMomentumDirection } from '../directions/momentum';
import { runScalarFormula } from '../kernels/scalarFormula';
import { checkAgainst, withDefaults } from '../spec';
import { decayOf, dot, dots, emaScale, sameTimescale, sumDecay } from '../tensors';
import type { Direction, Hyper, Tensors } from '../types';
import { muonDirection } from '../peers/muon';
import { cL4AdamMeta, L4_DIAGNOSTICS, L4_SETTINGS, l4adamMeta, l4momMeta, l4muonMeta } from './l4.meta';
import { l4StepFormula } from './l4Formula';
import { withStepsize, type StepsizeRule } from './rule';

/** L4's settings as the rule holds them, named as in the paper (Sec. 2.4). */
export type L4Hyper = SettingsOf<typeof L4_SETTINGS>;

/**
 * L4's options: α (eq. 3), γ (eq. 6), τ (eq. 5), γ0, ε (eq. 6) and the gradient timescale τm (eq. 7); each one's
 * meaning, default and domain is in l4.meta.ts (`L4_SETTINGS`, which `npm run lab -- --help` prints).
 */
export type L4Options = Partial<L4Hyper>;

export interface L4State {
  /** L_min after forgetting; +Inf until the first valid loss is seen. */
  readonly lossMin: Scalar;
  /** Our own gradient running sum (see `sumDecay`), only when the direction does not keep one with timescale τm. */
  readonly gradEma: Tensors | null;
}

/** Checks L4's settings against their one spec (l4.meta.ts), throwing a sentence naming the bad one. */
export const validateL4Hyper = (h: Hyper): void => checkAgainst('L4', L4_SETTINGS, h);

/**
 * The L4 stepsize rule (Rolínek & Martius, eqs. 3–7): Δθ = −η·v with η = α·(L − γ·L_min)/(gᵀv + ε).
 * This file finds gᵀv; the scalar part (L_min, the guards, η, forgetting) is the formula of l4Formula.ts,
 * one kernel on every backend (kernels/scalarFormula.ts). g is the bias-corrected gradient EMA with timescale τm (eq. 7),
 * which keeps gᵀv ≥ 0 for the Adam and momentum directions.
 */
export function l4Rule(opts: L4Options = {}): StepsizeRule<L4State, L4Hyper> {
  const hyper: L4Hyper = withDefaults('L4', L4_SETTINGS, opts);
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
      const e = runScalarFormula(l4StepFormula({ alpha, gamma, gamma0, epsilon, tau }), {
        loss: loss as Scalar,
        lossMin: state.lossMin,
        gDotV,
      });
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

/** L4 over any direction (the authors' `L4General`): Δθ = −α·(L − γ·L_min)/(gᵀv + ε)·v (eq. 6). */
export function l4(direction: Direction<unknown>, o: L4Options & RecipeOptions = {}, name = `l4-${direction.name}`): Transform {
  const { weightDecay, ...l4opts } = o;
  return finish(withStepsize(name, direction, l4Rule(l4opts)), { weightDecay });
}

/** Cautious L4Adam (C-L4Adam): L4Adam's settings, L4 over `cautiousDirection(adamDirection(…))`. */
export function cautiousL4Adam(o: L4AdamOptions = {}): Transform {
  const { beta2, adamEpsilon, ...rest } = withDefaults(cL4AdamMeta.title, cL4AdamMeta.settings, o, ['weightDecay']);
  const dir = cautiousDirection(adamDirection({ beta1: 1 - 1 / rest.gradTimescale, beta2, epsilon: adamEpsilon }));
  return l4(dir, { ...rest, weightDecay: o.weightDecay }, 'c-l4adam');
}
cautiousL4Adam.meta = cL4AdamMeta;

export type L4AdamOptions = Partial<SettingsOf<typeof l4adamMeta.settings>> & RecipeOptions;

/** L4Adam: L4 over the Adam direction (τm = 10, τs = 1000, ε = 1e-4), paper defaults. */
export function l4Adam(o: L4AdamOptions = {}): Transform {
  const { beta2, adamEpsilon, ...rest } = withDefaults(l4adamMeta.title, l4adamMeta.settings, o, ['weightDecay']);
  const dir = adamDirection({ beta1: 1 - 1 / rest.gradTimescale, beta2, epsilon: adamEpsilon });
  return l4(dir, { ...rest, weightDecay: o.weightDecay }, 'l4adam');
}
l4Adam.meta = l4adamMeta;

/** L4Mom: L4 over the bias-corrected momentum EMA (τm = 10), paper defaults. */
export function l4Mom(o: L4Options & RecipeOptions = {}): Transform {
  const s = withDefaults(l4momMeta.title, l4momMeta.settings, o, ['weightDecay']);
  return l4(emaMomentumDirection({ timescale: s.gradTimescale }), { ...s, weightDecay: o.weightDecay }, 'l4mom');
}
l4Mom.meta = l4momMeta;

export type L4MuonOptions = Partial<SettingsOf<typeof l4muonMeta.settings>> & RecipeOptions;

/** L4Muon: L4 over Muon's direction (peers/muon.ts `muonDirection`), the paper's L4 defaults and Muon's. */
export function l4Muon(o: L4MuonOptions = {}): Transform {
  const { momentum, nsSteps, adamBeta1, adamBeta2, adamEps, vectorScale, ...rest } = withDefaults(
    l4muonMeta.title,
    l4muonMeta.settings,
    o,
    ['weightDecay'],
  );
  const dir = muonDirection({ momentum, nsSteps, adamBeta1, adamBeta2, adamEps, vectorScale });
  return l4(dir, { ...rest, weightDecay: o.weightDecay }, 'l4muon');
}
l4Muon.meta = l4muonMeta;
