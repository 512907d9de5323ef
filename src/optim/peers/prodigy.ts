import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { dot } from '../tensors';
import type { GradientTransformation, Tensors } from '../types';
import { checks, guardedUpdate, l2Gradient, peerTransform, resolvePeerSettings, sumAbs, type PeerState } from './common';
import { PRODIGY_DEFAULTS, type ProdigySettings } from './defaults';

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

export function validateProdigy(h: ProdigySettings): void {
  const o = 'Prodigy';
  checks.positive(o, 'lr', h.lr);
  checks.beta(o, 'beta1', h.beta1);
  checks.beta(o, 'beta2', h.beta2);
  checks.optional(o, 'beta3', h.beta3, checks.beta);
  checks.nonNegative(o, 'eps', h.eps);
  checks.nonNegative(o, 'weightDecay', h.weightDecay);
  checks.flag(o, 'decouple', h.decouple);
  checks.flag(o, 'useBiasCorrection', h.useBiasCorrection);
  checks.flag(o, 'safeguardWarmup', h.safeguardWarmup);
  checks.positive(o, 'd0', h.d0);
  checks.positive(o, 'dCoef', h.dCoef);
  checks.optional(o, 'growthRate', h.growthRate, checks.positive);
}

/**
 * Prodigy (Mishchenko & Defazio 2023), Adam form, as prodigyopt 1.1: η = d·lr, with d = max(d₀, every
 * d̂ = r/‖s‖₁ so far), r = Σ β3-discounted (d/d₀)·η·⟨g, x₀ − x⟩ and s the β3-discounted sum of (d/d₀)·η·g;
 * Δx = −η·m/(√v + d·ε) with m, v Adam's moments of d·g. Every scalar stays on the device.
 */
export function prodigy(settings: Partial<ProdigySettings> = {}): GradientTransformation<ProdigyState> {
  const hyper = resolvePeerSettings('Prodigy', PRODIGY_DEFAULTS, settings);
  return peerTransform<ProdigySettings, ProdigyState>({
    name: 'prodigy',
    hyper,
    validate: validateProdigy,
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
      const beta3 = h.beta3 ?? Math.sqrt(h.beta2);
      const g = l2Gradient(grads, params, h.decouple ? 0 : h.weightDecay);
      const bc = h.useBiasCorrection ? Math.sqrt(1 - Math.pow(h.beta2, k + 1)) / (1 - Math.pow(h.beta1, k + 1)) : 1;
      const d = state.d;
      const eta = tf.mul(d, h.lr * bc) as Scalar;
      const dOverD0 = tf.div(d, h.d0) as Scalar;
      // ⟨g, x₀ − x⟩ = −⟨g, displacement⟩.
      const rNew = tf.sub(tf.mul(state.r, beta3), tf.mul(tf.mul(dOverD0, eta), dot(g, state.displacement))) as Scalar;
      // m and v as undivided sums of d·g and (d·g)² (m = (1 − β1)·M, v = (1 − β2)·V): the constant factors go into
      // the step's multiplier and ε's term, saving a pass.
      const dg = g.map((x) => tf.mul(x, d));
      const m = state.m.map((mi, i) => tf.add(tf.mul(mi, h.beta1), dg[i]!));
      const v = state.v.map((vi, i) => tf.add(tf.mul(vi, h.beta2), tf.square(dg[i]!)));
      const sScale = tf.mul(dOverD0, h.safeguardWarmup ? d : eta);
      const s = state.s.map((si, i) => tf.add(tf.mul(si, beta3), tf.mul(g[i]!, sScale)));
      const denom = sumAbs(s);
      const ok = tf.greater(denom, 0);
      // With ‖s‖₁ = 0 (a zero first gradient) the official code returns before touching d, r or x.
      const dHat = tf.where(ok, tf.div(tf.mul(rNew, h.dCoef), denom), 0) as Scalar;
      const dMax = tf.where(ok, tf.maximum(state.dMax, dHat), state.dMax) as Scalar;
      const first = tf.where(tf.equal(d, h.d0), tf.maximum(d, dHat), d);
      const grown = h.growthRate === null ? dMax : tf.minimum(dMax, tf.mul(first, h.growthRate));
      const dNew = tf.where(ok, grown, d) as Scalar;
      const r = tf.where(ok, rNew, state.r) as Scalar;
      // η·m/(√v + d·ε) = η·c·M/(√V + d·ε/√(1 − β2)) with c = (1 − β1)/√(1 − β2).
      const rootB2 = Math.sqrt(1 - h.beta2);
      const c = (1 - h.beta1) / rootB2;
      const dEps = tf.mul(dNew, h.eps / rootB2);
      const u = m.map((mi, i) => {
        const step = tf.div(mi, tf.add(tf.sqrt(v[i]!), dEps));
        return h.weightDecay !== 0 && h.decouple ? tf.add(step, tf.mul(params[i]!, h.weightDecay / c)) : step;
      });
      const flags = tf.mul(tf.sub(1, tf.cast(ok, 'float32')), StepFlags.badDenominator) as Scalar;
      const end = guardedUpdate(u, c === 1 ? eta : (tf.mul(eta, c) as Scalar), eta, flags);
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
