import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { axpby } from '../kernels/elementwise';
import { parameterSums } from '../tensors';
import { runScalarFormula, type ScalarFormula } from '../kernels/scalarFormula';
import type { GradientTransformation, Tensors } from '../types';
import { guardedUpdate, l2Gradient, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { dadaptAdamMeta } from './dadaptAdam.meta';

/** D-Adapt Adam's settings (dadaptAdam.meta.ts): the lab's, its own weight decay and its switches. */
export type DAdaptAdamSettings = PeerSettings<typeof dadaptAdamMeta>;

export interface DAdaptAdamState extends PeerState<DAdaptAdamSettings> {
  readonly d: Scalar;
  readonly r: Scalar;
  /** Σ β1^(k−j)·η_j·g_j: the first moment with η folded in is (1 − β1) times it. */
  readonly m: Tensors;
  /** Σ β2^(k−j)·g_j²: v = (1 − β2)·V. */
  readonly v: Tensors;
  /** Σ q^(k−j)·η_j·g_j: s = (1 − q)·S. */
  readonly s: Tensors;
  /** √V + ε/√(1 − β2) of the last step: the next step's numerator term divides by it (2 passes saved). */
  readonly den: Tensors;
}

/**
 * D-Adaptation in Adam form (Defazio & Mishchenko 2023), as dadaptation 3.x: η = d·lr; r and s are √β2-EMAs of
 * η·⟨g, s/(√v + ε)⟩ and η·g, d̂ = r/((1 − √β2)·‖s‖₁) and d = max(d, d̂), used from the next step;
 * Δx = −m/(√v + ε) with η folded into m. Every scalar stays on the device.
 */
export function dadaptAdam(settings: Partial<DAdaptAdamSettings> = {}): GradientTransformation<DAdaptAdamState> {
  const hyper = resolvePeer(dadaptAdamMeta, settings);
  return peerTransform<DAdaptAdamSettings, DAdaptAdamState>({
    meta: dadaptAdamMeta,
    hyper,
    diagnostics: ['d', 'dHat'],
    init: (params) => ({
      d: tf.scalar(hyper.d0),
      r: tf.scalar(0),
      m: params.map((p) => tf.zerosLike(p)),
      v: params.map((p) => tf.zerosLike(p)),
      s: params.map((p) => tf.zerosLike(p)),
      // Only ever divides s = 0 before the first step; ones keep 0/0 out when ε = 0.
      den: params.map((p) => tf.onesLike(p)),
    }),
    update(grads, state, params) {
      const h = state.hyper;
      const k = state.count;
      const q = Math.sqrt(h.beta2);
      const g = l2Gradient(grads, params, h.decouple ? 0 : h.weightDecay);
      const bc = h.useBiasCorrection ? Math.sqrt(1 - Math.pow(h.beta2, k + 1)) / (1 - Math.pow(h.beta1, k + 1)) : 1;
      const eta = tf.mul(state.d, h.learningRate * bc) as Scalar;
      // m, v and s are kept as undivided sums (m = (1 − β1)·M, v = (1 − β2)·V, s = (1 − q)·S) and the denominator
      // as √V + ε/√(1 − β2): the constant factors fold into scalars, two passes fewer per step.
      const rootB2 = Math.sqrt(1 - h.beta2);
      const m = state.m.map((mi, i) => axpby(mi, h.beta1, g[i]!, eta));
      const v = state.v.map((vi, i) => axpby(vi, h.beta2, g[i]!, 1, { square: true }));
      const s = state.s.map((si, i) => axpby(si, q, g[i]!, eta));
      // The numerator's new term reads s and v from before this step's update: ⟨g, s/(√v + ε)⟩ = (1 − q)/√(1 − β2)·⟨g, S/den⟩;
      // with ‖s‖₁, one pass over the tensors for both on GPUs.
      const [gSden, sNorm] = parameterSums([
        {
          dot: [g, state.s.map((si, i) => tf.div(si, state.den[i]!))],
        },
        { l1: s },
      ]) as [Scalar, Scalar];
      const t = runScalarFormula(dadaptEnd(h, bc), { d: state.d, r: state.r, gSden, sNorm });
      const den = v.map((vi) => tf.add(tf.sqrt(vi), h.eps / rootB2));
      // m/(√v + ε) = c·M/den with c = (1 − β1)/√(1 − β2).
      const c = (1 - h.beta1) / rootB2;
      const u = m.map((mi, i) => {
        const step = tf.div(mi, den[i]!);
        return h.weightDecay !== 0 && h.decouple ? axpby(step, 1, params[i]!, tf.mul(eta, h.weightDecay / c) as Scalar) : step;
      });
      const end = guardedUpdate(u, t.multiplier, eta, t.flags);
      const { d, r, dHat } = t;
      return {
        updates: end.updates,
        state: { count: k + 1, hyper: h, d, r, m, v, s, den, diagnostics: { ...end.diagnostics, d, dHat } },
      };
    },
  });
}
dadaptAdam.meta = dadaptAdamMeta;

/**
 * After the sums: r (a √β2-EMA of η·⟨g, s/(√v + ε)⟩), d̂ = r/((1 − √β2)·‖s‖₁), d = max(d, d̂) (growth-capped)
 * for the next step, and the step's multiplier c = (1 − β1)/√(1 − β2). With ‖s‖₁ = 0 the step is flagged and
 * d and r stay.
 */
function dadaptEnd(
  h: DAdaptAdamSettings,
  bc: number,
): ScalarFormula<'d' | 'r' | 'gSden' | 'sNorm', 'd' | 'r' | 'dHat' | 'flags' | 'multiplier'> {
  const q = Math.sqrt(h.beta2);
  const rootB2 = Math.sqrt(1 - h.beta2);
  return {
    name: 'DAdaptEnd',
    inputs: ['d', 'r', 'gSden', 'sNorm'],
    outputs: ['d', 'r', 'dHat', 'flags', 'multiplier'],
    body: (x, v) => {
      const eta = x.mul(v.d, x.c(h.learningRate * bc));
      const a = x.mul(eta, x.mul(v.gSden, x.c((1 - q) / rootB2)));
      const rNew = x.add(x.mul(v.r, x.c(q)), x.mul(a, x.c(1 - q)));
      const ok = x.gt(v.sNorm, x.c(0));
      // d̂ = r/((1 − q)·‖s‖₁) = r/((1 − q)²·‖S‖₁).
      const dHat = x.select(ok, x.div(rNew, x.mul(v.sNorm, x.c((1 - q) * (1 - q)))), x.c(0));
      const capped = h.growthRate === undefined ? dHat : x.min(dHat, x.mul(v.d, x.c(h.growthRate)));
      return {
        d: x.select(ok, x.max(v.d, capped), v.d),
        r: x.select(ok, rNew, v.r),
        dHat,
        flags: x.select(ok, x.c(0), x.c(StepFlags.badDenominator)),
        multiplier: x.c((1 - h.beta1) / rootB2),
      };
    },
  };
}
