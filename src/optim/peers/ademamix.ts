import * as tf from '@tensorflow/tfjs-core';
import { ema } from '../tensors';
import { axpby, ratio } from '../kernels/elementwise';
import type { GradientTransformation, Tensors } from '../types';
import { guardedUpdate, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { ademamixMeta } from './ademamix.meta';

/** AdEMAMix's settings (ademamix.meta.ts): the lab's and its own decoupled weight decay. */
export type AdemamixSettings = PeerSettings<typeof ademamixMeta>;

export interface AdemamixState extends PeerState<AdemamixSettings> {
  /** The fast EMA of g (β1), the slow one (β3, not bias-corrected) and the EMA of g² (β2). */
  readonly m1: Tensors;
  readonly m2: Tensors;
  readonly v: Tensors;
}

/** ln(0.5)/ln(β + 1e-8) − 1: β's half-life in steps, minus one (the 1e-8 is the official code's). */
const halfLife = (beta: number) => Math.log(0.5) / Math.log(beta + 1e-8) - 1;

/** α, β3 and the learning rate's factor at step n (1-based), after their warm-ups. */
export function ademamixSchedule(h: AdemamixSettings, n: number): { alpha: number; beta3: number; lrFactor: number } {
  const alpha = h.alphaWarmup !== undefined && n < h.alphaWarmup ? (h.alpha * n) / h.alphaWarmup : h.alpha;
  let beta3 = h.beta3;
  if (h.beta3Warmup !== undefined && n < h.beta3Warmup) {
    const s = n / h.beta3Warmup;
    beta3 = Math.pow(0.5, 1 / ((1 - s) * halfLife(h.beta1) + s * halfLife(h.beta3) + 1));
  }
  const lrFactor = h.warmupSteps !== undefined && n < h.warmupSteps ? n / h.warmupSteps : 1;
  return { alpha, beta3, lrFactor };
}

/**
 * AdEMAMix (Pagliardini, Ablin & Grangier 2024), as apple/ml-ademamix's pytorch/ademamix.py: m1, m2, v EMAs of g
 * (β1), g (β3) and g² (β2); Δθ = −lr·((m1/(1 − β1ⁿ) + α·m2)/(√v/√(1 − β2ⁿ) + ε) + λ·θ), with α and β3 warmed up
 * when their warm-ups are set. η = lr, times n / warmupSteps during the learning-rate warm-up when that is set (the
 * official optimizer has none; AlgoPerf's submission schedules one around it).
 */
export function ademamix(settings: Partial<AdemamixSettings> = {}): GradientTransformation<AdemamixState> {
  const hyper = resolvePeer(ademamixMeta, settings);
  return peerTransform<AdemamixSettings, AdemamixState>({
    meta: ademamixMeta,
    hyper,
    diagnostics: ['alpha', 'beta3'],
    init: (params) => ({
      m1: params.map((p) => tf.zerosLike(p)),
      m2: params.map((p) => tf.zerosLike(p)),
      v: params.map((p) => tf.zerosLike(p)),
    }),
    update(grads, state, params) {
      const h = state.hyper;
      const n = state.count + 1;
      const { alpha, beta3, lrFactor } = ademamixSchedule(h, n);
      const bc1 = 1 - Math.pow(h.beta1, n);
      const rootBc2 = Math.sqrt(1 - Math.pow(h.beta2, n));
      const m1 = ema(state.m1, grads, h.beta1);
      const m2 = ema(state.m2, grads, beta3);
      const v = ema(state.v, grads, h.beta2, { square: true });
      // (m1/bc1 + α·m2) / (√v/√bc2 + ε) + λ·p with the corrections folded into numbers: s·[(m1 + α·bc1·m2) / (√v + ε·√bc2)
      // + (λ/s)·p], s = √bc2/bc1 going into the multiplier; two passes over the parameters fewer than as written.
      const s = rootBc2 / bc1;
      const u = m1.map((mi, i) => {
        const step = ratio(axpby(m2[i]!, alpha * bc1, mi, 1), v[i]!, h.eps * rootBc2);
        return h.weightDecay === 0 ? step : tf.add(step, tf.mul(params[i]!, h.weightDecay / s));
      });
      const lr = h.learningRate * lrFactor;
      const end = guardedUpdate(u, tf.scalar(lr * s), tf.scalar(lr), tf.scalar(0));
      return {
        updates: end.updates,
        state: {
          count: n,
          hyper: h,
          m1,
          m2,
          v,
          diagnostics: { ...end.diagnostics, alpha: tf.scalar(alpha), beta3: tf.scalar(beta3) },
        },
      };
    },
  });
}
ademamix.meta = ademamixMeta;
