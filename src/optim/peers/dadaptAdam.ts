import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { dot } from '../tensors';
import type { GradientTransformation, Tensors } from '../types';
import { checks, guardedUpdate, l2Gradient, peerTransform, resolvePeerSettings, sumAbs, type PeerState } from './common';
import { DADAPT_ADAM_DEFAULTS, type DAdaptAdamSettings } from './defaults';

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

export function validateDAdaptAdam(h: DAdaptAdamSettings): void {
  const o = 'D-Adapt Adam';
  checks.positive(o, 'lr', h.lr);
  checks.beta(o, 'beta1', h.beta1);
  checks.beta(o, 'beta2', h.beta2);
  checks.nonNegative(o, 'eps', h.eps);
  checks.nonNegative(o, 'weightDecay', h.weightDecay);
  checks.flag(o, 'decouple', h.decouple);
  checks.flag(o, 'useBiasCorrection', h.useBiasCorrection);
  checks.positive(o, 'd0', h.d0);
  checks.optional(o, 'growthRate', h.growthRate, checks.positive);
}

/**
 * D-Adaptation in Adam form (Defazio & Mishchenko 2023), as dadaptation 3.x: η = d·lr; r and s are √β2-EMAs of
 * η·⟨g, s/(√v + ε)⟩ and η·g, d̂ = r/((1 − √β2)·‖s‖₁) and d = max(d, d̂), used from the next step;
 * Δx = −m/(√v + ε) with η folded into m. Every scalar stays on the device.
 */
export function dadaptAdam(settings: Partial<DAdaptAdamSettings> = {}): GradientTransformation<DAdaptAdamState> {
  const hyper = resolvePeerSettings('D-Adapt Adam', DADAPT_ADAM_DEFAULTS, settings);
  return peerTransform<DAdaptAdamSettings, DAdaptAdamState>({
    name: 'dadapt-adam',
    hyper,
    validate: validateDAdaptAdam,
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
      const eta = tf.mul(state.d, h.lr * bc) as Scalar;
      // m, v and s are kept as undivided sums (m = (1 − β1)·M, v = (1 − β2)·V, s = (1 − q)·S) and the denominator
      // as √V + ε/√(1 − β2): the constant factors fold into scalars, two passes fewer per step.
      const rootB2 = Math.sqrt(1 - h.beta2);
      // The numerator's new term reads s and v from before this step's update: s/(√v + ε) = (1 − q)/√(1 − β2)·S/den.
      const a = tf.mul(
        eta,
        tf.mul(
          dot(
            g,
            state.s.map((si, i) => tf.div(si, state.den[i]!)),
          ),
          (1 - q) / rootB2,
        ),
      );
      const etaG = g.map((x) => tf.mul(x, eta));
      const m = state.m.map((mi, i) => tf.add(tf.mul(mi, h.beta1), etaG[i]!));
      const v = state.v.map((vi, i) => tf.add(tf.mul(vi, h.beta2), tf.square(g[i]!)));
      const s = state.s.map((si, i) => tf.add(tf.mul(si, q), etaG[i]!));
      const denom = sumAbs(s);
      const ok = tf.greater(denom, 0);
      const rNew = tf.add(tf.mul(state.r, q), tf.mul(a, 1 - q));
      // d̂ = r/((1 − q)·‖s‖₁) = r/((1 − q)²·‖S‖₁).
      const dHat = tf.where(ok, tf.div(rNew, tf.mul(denom, (1 - q) * (1 - q))), 0) as Scalar;
      const capped = h.growthRate === null ? dHat : tf.minimum(dHat, tf.mul(state.d, h.growthRate));
      const d = tf.where(ok, tf.maximum(state.d, capped), state.d) as Scalar;
      const r = tf.where(ok, rNew, state.r) as Scalar;
      const den = v.map((vi) => tf.add(tf.sqrt(vi), h.eps / rootB2));
      // m/(√v + ε) = c·M/den with c = (1 − β1)/√(1 − β2).
      const c = (1 - h.beta1) / rootB2;
      const u = m.map((mi, i) => {
        const step = tf.div(mi, den[i]!);
        return h.weightDecay !== 0 && h.decouple ? tf.add(step, tf.mul(params[i]!, tf.mul(eta, h.weightDecay / c))) : step;
      });
      const flags = tf.mul(tf.sub(1, tf.cast(ok, 'float32')), StepFlags.badDenominator) as Scalar;
      const end = guardedUpdate(u, tf.scalar(c), eta, flags);
      return {
        updates: end.updates,
        state: { count: k + 1, hyper: h, d, r, m, v, s, den, diagnostics: { ...end.diagnostics, d, dHat } },
      };
    },
  });
}
