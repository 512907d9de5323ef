import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { dot } from '../tensors';
import type { GradientTransformation, Tensors } from '../types';
import { checks, ema, guardedUpdate, peerTransform, resolvePeerSettings, sumAbs, type PeerState } from './common';
import { DADAPT_ADAM_DEFAULTS, type DAdaptAdamSettings } from './defaults';

export interface DAdaptAdamState extends PeerState<DAdaptAdamSettings> {
  readonly d: Scalar;
  readonly r: Scalar;
  /** The first moment, with η folded in. */
  readonly m: Tensors;
  readonly v: Tensors;
  readonly s: Tensors;
  /** √v + ε of the last step: the next step's numerator term divides by it (2 passes saved). */
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
      const g = h.weightDecay !== 0 && !h.decouple ? grads.map((x, i) => tf.add(x, tf.mul(params[i]!, h.weightDecay))) : grads;
      const bc = h.useBiasCorrection ? Math.sqrt(1 - Math.pow(h.beta2, k + 1)) / (1 - Math.pow(h.beta1, k + 1)) : 1;
      const eta = tf.mul(state.d, h.lr * bc) as Scalar;
      // The numerator's new term reads s and v from before this step's update.
      const a = tf.mul(
        eta,
        dot(
          g,
          state.s.map((si, i) => tf.div(si, state.den[i]!)),
        ),
      );
      const m = ema(state.m, g, h.beta1, tf.mul(eta, 1 - h.beta1) as Scalar);
      const v = ema(
        state.v,
        g.map((x) => tf.square(x)),
        h.beta2,
        1 - h.beta2,
      );
      const s = ema(state.s, g, q, tf.mul(eta, 1 - q) as Scalar);
      const denom = sumAbs(s);
      const ok = tf.greater(denom, 0);
      const rNew = tf.add(tf.mul(state.r, q), tf.mul(a, 1 - q));
      const dHat = tf.where(ok, tf.div(rNew, tf.mul(denom, 1 - q)), 0) as Scalar;
      const capped = h.growthRate === null ? dHat : tf.minimum(dHat, tf.mul(state.d, h.growthRate));
      const d = tf.where(ok, tf.maximum(state.d, capped), state.d) as Scalar;
      const r = tf.where(ok, rNew, state.r) as Scalar;
      const den = v.map((vi) => tf.add(tf.sqrt(vi), h.eps));
      const u = m.map((mi, i) => {
        const step = tf.div(mi, den[i]!);
        return h.weightDecay !== 0 && h.decouple ? tf.add(step, tf.mul(params[i]!, tf.mul(eta, h.weightDecay))) : step;
      });
      const flags = tf.mul(tf.sub(1, tf.cast(ok, 'float32')), StepFlags.badDenominator) as Scalar;
      const end = guardedUpdate(u, tf.scalar(1), eta, flags);
      return {
        updates: end.updates,
        state: { count: k + 1, hyper: h, d, r, m, v, s, den, diagnostics: { ...end.diagnostics, d, dHat } },
      };
    },
  });
}
