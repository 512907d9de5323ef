import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { axpby, ratio } from '../kernels/elementwise';
import { parameterSums } from '../tensors';
import { runScalarFormula, type ScalarFormula } from '../kernels/scalarFormula';
import type { GradientTransformation, Tensors } from '../types';
import { guardedUpdate, l2Gradient, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { prodigyMeta } from './prodigy.meta';

/** Prodigy's settings (prodigy.meta.ts): the lab's, its own weight decay and its switches. */
export type ProdigySettings = PeerSettings<typeof prodigyMeta>;

export interface ProdigyState extends PeerState<ProdigySettings> {
  /** The distance estimate d, its running maximum and the numerator r of d̂ = r/‖s‖₁ (device scalars). */
  readonly d: Scalar;
  readonly dMax: Scalar;
  readonly r: Scalar;
  /** Σ β1^(k−j)·d_j·g_j and Σ β2^(k−j)·(d_j·g_j)²: Adam's moments of d·g are (1 − β1)·m and (1 − β2)·v. */
  readonly m: Tensors;
  readonly v: Tensors;
  readonly s: Tensors;
  /** x − x₀ as the sum of the steps taken (float32: subtracting a stored x₀ loses about three digits). */
  readonly displacement: Tensors;
}

/**
 * Prodigy (Mishchenko & Defazio 2023), Adam form, as prodigyopt 1.1: η = d·lr, with d = max(d₀, every
 * d̂ = r/‖s‖₁ so far), r = Σ β3-discounted (d/d₀)·η·⟨g, x₀ − x⟩ and s the β3-discounted sum of (d/d₀)·η·g;
 * Δx = −η·m/(√v + d·ε) with m, v Adam's moments of d·g. Every scalar stays on the device.
 */
export function prodigy(settings: Partial<ProdigySettings> = {}): GradientTransformation<ProdigyState> {
  const hyper = resolvePeer(prodigyMeta, settings);
  return peerTransform<ProdigySettings, ProdigyState>({
    meta: prodigyMeta,
    hyper,
    diagnostics: ['d', 'dHat'],
    init: (params) => ({
      d: tf.scalar(hyper.d0),
      dMax: tf.scalar(hyper.d0),
      r: tf.scalar(0),
      m: params.map((p) => tf.zerosLike(p)),
      v: params.map((p) => tf.zerosLike(p)),
      s: params.map((p) => tf.zerosLike(p)),
      displacement: params.map((p) => tf.zerosLike(p)),
    }),
    update(grads, state, params) {
      const h = state.hyper;
      const k = state.count;
      const g = l2Gradient(grads, params, h.decouple ? 0 : h.weightDecay);
      const bc = h.useBiasCorrection ? Math.sqrt(1 - Math.pow(h.beta2, k + 1)) / (1 - Math.pow(h.beta1, k + 1)) : 1;
      const d = state.d;
      const { sScale } = runScalarFormula(prodigyStart(h, bc), { d });
      // m and v as undivided sums of d·g and (d·g)² (m = (1 − β1)·M, v = (1 − β2)·V): the constant factors go into
      // the step's multiplier and ε's term, saving a pass.
      const m = state.m.map((mi, i) => axpby(mi, h.beta1, g[i]!, d));
      const v = state.v.map((vi, i) => axpby(vi, h.beta2, tf.mul(g[i]!, d), 1, { square: true }));
      const s = state.s.map((si, i) => axpby(si, h.beta3 ?? Math.sqrt(h.beta2), g[i]!, sScale));
      // ⟨g, x₀ − x⟩ = −⟨g, displacement⟩, and ‖s‖₁: one pass over the tensors for both on GPUs.
      const [gDisp, sNorm] = parameterSums([{ dot: [g, state.displacement] }, { l1: s }]) as [Scalar, Scalar];
      const t = runScalarFormula(prodigyEnd(h, bc), { d, dMax: state.dMax, r: state.r, gDisp, sNorm });
      const dNew = t.d;
      const dMax = t.dMax;
      const r = t.r;
      const dHat = t.dHat;
      // η·m/(√v + d·ε) = η·c·M/(√V + d·ε/√(1 − β2)) with c = (1 − β1)/√(1 − β2).
      const u = m.map((mi, i) => {
        const step = ratio(mi, v[i]!, t.dEps);
        return h.weightDecay !== 0 && h.decouple ? axpby(step, 1, params[i]!, h.weightDecay / stepFactor(h)) : step;
      });
      const end = guardedUpdate(u, stepFactor(h) === 1 ? t.eta : t.multiplier, t.eta, t.flags);
      return {
        updates: end.updates,
        state: {
          count: k + 1,
          hyper: h,
          d: dNew,
          dMax,
          r,
          m,
          v,
          s,
          displacement: state.displacement.map((x, i) => tf.add(x, end.updates[i]!)),
          diagnostics: { ...end.diagnostics, d: dNew, dHat },
        },
      };
    },
  });
}
prodigy.meta = prodigyMeta;

/** c = (1 − β1)/√(1 − β2): the factor between Adam's moments and the undivided sums kept here. */
const stepFactor = (h: ProdigySettings) => (1 - h.beta1) / Math.sqrt(1 - h.beta2);

/** The scale of g in s, (d/d₀)·η with η = d·lr (bias-corrected), or (d/d₀)·d with the safeguard warm-up. */
function prodigyStart(h: ProdigySettings, bc: number): ScalarFormula<'d', 'sScale'> {
  return {
    name: 'ProdigyStart',
    inputs: ['d'],
    outputs: ['sScale'],
    broadcast: ['sScale'],
    body: (x, { d }) => ({ sScale: x.mul(x.div(d, x.c(h.d0)), h.safeguardWarmup ? d : x.mul(d, x.c(h.learningRate * bc))) }),
  };
}

/**
 * After the sums: r, d̂ = dCoef·r/‖s‖₁, d = max(d₀, every d̂ so far) (growth-capped), ε's term d·ε and the
 * step's multiplier η·c. With ‖s‖₁ = 0 (a zero first gradient) the official code returns before touching d, r
 * or x: the step is flagged and d and r stay.
 */
function prodigyEnd(
  h: ProdigySettings,
  bc: number,
): ScalarFormula<'d' | 'dMax' | 'r' | 'gDisp' | 'sNorm', 'eta' | 'd' | 'dMax' | 'r' | 'dHat' | 'dEps' | 'flags' | 'multiplier'> {
  return {
    name: 'ProdigyEnd',
    inputs: ['d', 'dMax', 'r', 'gDisp', 'sNorm'],
    outputs: ['eta', 'd', 'dMax', 'r', 'dHat', 'dEps', 'flags', 'multiplier'],
    broadcast: ['d', 'dEps'],
    body: (x, v) => {
      const eta = x.mul(v.d, x.c(h.learningRate * bc));
      const dOverD0 = x.div(v.d, x.c(h.d0));
      const rNew = x.sub(x.mul(v.r, x.c(h.beta3 ?? Math.sqrt(h.beta2))), x.mul(x.mul(dOverD0, eta), v.gDisp));
      const ok = x.gt(v.sNorm, x.c(0));
      const dHat = x.select(ok, x.div(x.mul(rNew, x.c(h.dCoef)), v.sNorm), x.c(0));
      const dMax = x.select(ok, x.max(v.dMax, dHat), v.dMax);
      const first = x.select(x.eq(v.d, x.c(h.d0)), x.max(v.d, dHat), v.d);
      const grown = h.growthRate === undefined ? dMax : x.min(dMax, x.mul(first, x.c(h.growthRate)));
      const d = x.select(ok, grown, v.d);
      return {
        eta,
        d,
        dMax,
        r: x.select(ok, rNew, v.r),
        dHat,
        dEps: x.mul(d, x.c(h.eps / Math.sqrt(1 - h.beta2))),
        flags: x.select(ok, x.c(0), x.c(StepFlags.badDenominator)),
        multiplier: x.mul(eta, x.c(stepFactor(h))),
      };
    },
  };
}
