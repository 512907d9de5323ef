import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { axpby, ratio } from '../kernels/elementwise';
import { runScalarFormula, type ScalarFormula } from '../kernels/scalarFormula';
import { ema, parameterSums } from '../tensors';
import type { GradientTransformation, Tensors } from '../types';
import { guardedUpdate, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { momoAdamMeta, momoAdamStarMeta, momoMeta, momoStarMeta } from './momo.meta';

export type MomoSettings = PeerSettings<typeof momoMeta>;
export type MomoAdamSettings = PeerSettings<typeof momoAdamMeta>;

/** The model's averages: f̄ (loss), ḡ (⟨g, θ⟩) and the lower bound L, device scalars. */
interface ModelState {
  readonly fbar: Scalar;
  readonly gbar: Scalar;
  readonly lowerBound: Scalar;
}

export interface MomoState extends PeerState<MomoSettings>, ModelState {
  /** The average gradient d. */
  readonly d: Tensors;
}

export interface MomoAdamState extends PeerState<MomoAdamSettings>, ModelState {
  readonly m: Tensors;
  readonly v: Tensors;
}

/** The host numbers one step of the family's formula needs. */
interface ModelStep {
  /** The averages' rate, and f̄, ḡ's starting values at the first step: the step's own ('self') or 0. */
  readonly beta: number;
  readonly start: 'self' | 'zero' | 'kept';
  /** ρ: 1 − βⁿ with bias correction (MoMo-Adam's b1), else 1. */
  readonly rho: number;
  /** κ = 1 + lr·λ. */
  readonly kappa: number;
  readonly lr: number;
  readonly lb: number;
  readonly useFstar: boolean;
  /** The output `tauScaled` is τ times this (MoMo-Adam's √b2: its step's multiplier), in the same formula. */
  readonly tauScale?: number;
  /** The output that scales every tensor (with weight decay, in the update's blend of the direction and θ). */
  readonly spread?: 'tau' | 'tauScaled';
}

type In = 'f' | 'fbar' | 'gbar' | 'gx' | 'D' | 'N' | 'L';
type Out = 'fbar' | 'gbar' | 'L' | 'tau' | 'tauScaled' | 'h' | 'flags';

/**
 * The scalar part of MoMo and MoMo-Adam (fabian-sp/MoMo; the fixtures' README, items 2–7 and 1–6): the averages
 * f̄ and ḡ, the model value q = f̄ + D − ḡ, MoMo*'s estimate of the lower bound L (before and after the step), and
 * τ = min(lr/ρ, (κ·(f̄ − ρ·L) + D − κ·ḡ)₊/N). A non-finite loss takes no step (and ends the run as diverged, as
 * for every loss-based rule); so does N = 0, where the quotient is undefined (a zero average gradient).
 */
function modelFormula(s: ModelStep): ScalarFormula<In, Out> {
  return {
    name: 'MomoModel',
    // Packed once on WebGL rather than at every tensor that reads it.
    broadcast: s.spread ? [s.spread] : [],
    inputs: ['f', 'fbar', 'gbar', 'gx', 'D', 'N', 'L'],
    outputs: ['fbar', 'gbar', 'L', 'tau', 'tauScaled', 'h', 'flags'],
    body: (x, v) => {
      const c = x.c.bind(x);
      const zero = c(0);
      const first = (avg: typeof v.f, self: typeof v.f) => (s.start === 'self' ? self : s.start === 'zero' ? zero : avg);
      const ema = (avg: typeof v.f, value: typeof v.f) => x.add(x.mul(first(avg, value), c(s.beta)), x.mul(value, c(1 - s.beta)));
      const fbar = ema(v.fbar, v.f);
      const gbar = ema(v.gbar, v.gx);
      const q = x.sub(x.add(fbar, v.D), gbar);
      let L = v.L;
      if (s.useFstar) {
        const cc = x.sub(x.add(x.mul(fbar, c(s.kappa)), v.D), x.mul(gbar, c(s.kappa)));
        const estimate = x.max(x.div(cc, c(2 * s.kappa * s.rho)), c(s.lb));
        L = x.select(x.gt(x.mul(L, c(s.kappa * s.rho)), cc), estimate, L);
      }
      const numerator = x.add(x.sub(x.mul(x.sub(fbar, x.mul(L, c(s.rho))), c(s.kappa)), x.mul(gbar, c(s.kappa))), v.D);
      const ok = x.and(x.finite(v.f), x.gt(v.N, zero));
      const tau = x.select(ok, x.min(c(s.lr / s.rho), x.div(x.max(numerator, zero), v.N)), zero);
      const Lafter = s.useFstar ? x.max(x.div(x.sub(q, x.div(x.mul(tau, v.N), c(2))), c(s.rho)), c(s.lb)) : L;
      return {
        fbar,
        gbar,
        L: x.select(ok, Lafter, v.L),
        tau,
        tauScaled: s.tauScale === undefined ? tau : x.mul(tau, c(s.tauScale)),
        h: x.div(q, c(s.rho)),
        flags: x.add(
          x.select(x.finite(v.f), zero, c(StepFlags.nonFiniteLoss)),
          x.select(x.gt(v.N, zero), zero, c(StepFlags.badDenominator)),
        ),
      };
    },
  };
}

const initModel = (lb: number): ModelState => ({ fbar: tf.scalar(0), gbar: tf.scalar(0), lowerBound: tf.scalar(lb) });

/**
 * MoMo (Schaipp, Ohana, Eickenberg, Defazio & Gower 2024), as fabian-sp/MoMo's momo.py: d, f̄ and ḡ = ⟨g, θ⟩
 * averaged with β; θ ← (θ − τ·d)/κ with τ the model's Polyak step, capped at lr/ρ. MoMo* (`useFstar`) estimates the
 * lower bound online.
 */
export function momo(settings: Partial<MomoSettings> = {}): GradientTransformation<MomoState> {
  const hyper = resolvePeer(momoMeta, settings);
  return peerTransform<MomoSettings, MomoState>({
    meta: momoMeta,
    hyper,
    needsLoss: true,
    diagnostics: ['h', 'lb'],
    init: (params) => ({ ...initModel(hyper.lb), d: params.map((p) => tf.zerosLike(p)) }),
    update(grads, state, params, loss) {
      const h = state.hyper;
      const n = state.count + 1;
      const start = n > 1 ? 'kept' : h.biasCorrection ? 'zero' : 'self';
      // At the first step the average starts from g itself (or from 0 with bias correction).
      const d = grads.map((g, i) => axpby(start === 'self' ? g : state.d[i]!, h.beta, g, 1 - h.beta));
      const [gx, D, N] = parameterSums([{ dot: [grads, params] }, { dot: [d, params] }, { dot: [d, d] }]) as [Scalar, Scalar, Scalar];
      const kappa = 1 + h.learningRate * h.weightDecay;
      const rho = h.biasCorrection ? 1 - Math.pow(h.beta, n) : 1;
      const step: ModelStep = {
        beta: h.beta,
        start,
        rho,
        kappa,
        lr: h.learningRate,
        lb: h.lb,
        useFstar: h.useFstar,
        spread: kappa === 1 ? undefined : 'tau',
      };
      const t = runScalarFormula(modelFormula(step), { f: loss!, fbar: state.fbar, gbar: state.gbar, gx, D, N, L: state.lowerBound });
      // θ_new = (θ − τ·d)/κ: Δθ = −(τ·d + (κ − 1)·θ)/κ.
      const u = kappa === 1 ? d : d.map((di, i) => axpby(di, t.tau, params[i]!, kappa - 1));
      // Without decay u = d, whose ‖·‖² is N.
      const end = guardedUpdate(u, kappa === 1 ? t.tau : tf.scalar(1 / kappa), t.tau, t.flags, kappa === 1 ? N : undefined);
      return {
        updates: end.updates,
        state: {
          count: n,
          hyper: h,
          d,
          fbar: t.fbar,
          gbar: t.gbar,
          lowerBound: t.L,
          diagnostics: { ...end.diagnostics, h: t.h, lb: t.L },
        },
      };
    },
  });
}
momo.meta = momoMeta;

/**
 * MoMo-Adam (Schaipp et al. 2024), as fabian-sp/MoMo's momo_adam.py: Adam's moments m, v and the averages f̄, ḡ
 * with β1 (none bias-corrected; b1 = 1 − β1ⁿ takes their place); u = m/(√(v/b2) + ε); θ ← θ − τ·u with τ the model's
 * Polyak step capped at lr/b1; weight decay divides by κ after the step (`divide`) or multiplies by 1 − lr·λ before.
 */
export function momoAdam(settings: Partial<MomoAdamSettings> = {}): GradientTransformation<MomoAdamState> {
  const hyper = resolvePeer(momoAdamMeta, settings);
  return peerTransform<MomoAdamSettings, MomoAdamState>({
    meta: momoAdamMeta,
    hyper,
    needsLoss: true,
    diagnostics: ['h', 'lb'],
    init: (params) => ({ ...initModel(hyper.lb), m: params.map((p) => tf.zerosLike(p)), v: params.map((p) => tf.zerosLike(p)) }),
    update(grads, state, params, loss) {
      const h = state.hyper;
      const n = state.count + 1;
      const m = ema(state.m, grads, h.beta1);
      const v = ema(state.v, grads, h.beta2, { square: true });
      const b1 = 1 - Math.pow(h.beta1, n);
      const rootB2 = Math.sqrt(1 - Math.pow(h.beta2, n));
      // The direction m / (√v/√b2 + ε), kept as √b2·r with r = m / (√v + ε·√b2) (one pass on WASM): √b2 scales ⟨m, r⟩
      // and the step's multiplier instead.
      const r = m.map((mi, i) => ratio(mi, v[i]!, h.eps * rootB2));
      // ‖r‖² beside the model's sums (the GPUs sum two pairs a pass): the update's norm when the update is r.
      const plain = h.weightDecay === 0;
      const sums = parameterSums(
        [{ dot: [grads, params] }, { dot: [m, params] }, { dot: [m, r] }, ...(plain ? [{ dot: [r, r] as const }] : [])],
        plain ? [1, 1, rootB2, 1] : [1, 1, rootB2],
      );
      const [gx, D, N] = sums as [Scalar, Scalar, Scalar];
      const kappa = 1 + h.learningRate * h.weightDecay;
      const step: ModelStep = {
        beta: h.beta1,
        start: 'kept',
        rho: b1,
        kappa,
        lr: h.learningRate,
        lb: h.lb,
        useFstar: h.useFstar,
        tauScale: rootB2,
        spread: plain ? undefined : 'tauScaled',
      };
      const t = runScalarFormula(modelFormula(step), { f: loss!, fbar: state.fbar, gbar: state.gbar, gx, D, N, L: state.lowerBound });
      const tauR = t.tauScaled;
      let u: Tensors = r;
      let mult: Scalar = tauR;
      if (kappa !== 1 && h.divide) {
        // θ_new = (θ − τ·u)/κ.
        u = r.map((ri, i) => axpby(ri, tauR, params[i]!, kappa - 1));
        mult = tf.scalar(1 / kappa);
      } else if (h.weightDecay !== 0) {
        // θ_new = θ·(1 − lr·λ) − τ·u.
        u = r.map((ri, i) => axpby(ri, tauR, params[i]!, h.learningRate * h.weightDecay));
        mult = tf.scalar(1);
      }
      const end = guardedUpdate(u, mult, t.tau, t.flags, plain ? sums[3] : undefined);
      return {
        updates: end.updates,
        state: {
          count: n,
          hyper: h,
          m,
          v,
          fbar: t.fbar,
          gbar: t.gbar,
          lowerBound: t.L,
          diagnostics: { ...end.diagnostics, h: t.h, lb: t.L },
        },
      };
    },
  });
}
momoAdam.meta = momoAdamMeta;

/** MoMo* as the lab's catalogue lists it: `momo` with `useFstar`. */
export function momoStar(settings: Partial<Omit<MomoSettings, 'useFstar'>> = {}): GradientTransformation<MomoState> {
  return momo({ ...settings, useFstar: true });
}
momoStar.meta = momoStarMeta;

/** MoMo-Adam* as the lab's catalogue lists it: `momoAdam` with `useFstar`. */
export function momoAdamStar(settings: Partial<Omit<MomoAdamSettings, 'useFstar'>> = {}): GradientTransformation<MomoAdamState> {
  return momoAdam({ ...settings, useFstar: true });
}
momoAdamStar.meta = momoAdamStarMeta;
