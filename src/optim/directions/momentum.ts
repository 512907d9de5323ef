import * as tf from '@tensorflow/tfjs-core';
import { checkRange } from '../flags';
import { refuseUnknown } from '../settings';
import { decayOf, emaScale, sumDecay } from '../tensors';
import type { Direction, Tensors } from '../types';

export interface MomentumState {
  /** Σ_k μ^(t−k)·g_k (heavy ball), or the same sum with μ = d for the EMA form. */
  readonly acc: Tensors;
}

/** Heavy-ball momentum: acc ← μ·acc + g, v = acc (tf.train.momentum, the paper's mSGD baseline). */
export function heavyBallDirection(options: { momentum?: number } = {}): Direction<MomentumState> {
  refuseUnknown('The momentum direction', options, ['momentum']);
  const { momentum = 0.9 } = options;
  checkRange('momentum', 'momentum', momentum, 0, 1, { loOpen: false });
  return {
    name: 'momentum',
    hyper: { momentum },
    init: (params) => ({ acc: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state) => {
      const acc = sumDecay(state.acc, grads, momentum);
      return { v: acc, vScale: 1, state: { acc } };
    },
  };
}

/**
 * The paper's momentum direction (eq. 7): v = ⟨∇L⟩_τm, the bias-corrected EMA of the gradient with
 * timescale τm (decay d = 1 − 1/τm). It keeps the heavy-ball sum a ← d·a + g, since the bias-corrected EMA
 * is (1−d)/(1−d^t)·a: the same two passes as heavy ball. It is its own gradient estimate, so L4Mom
 * computes it once.
 */
export function emaMomentumDirection(options: { timescale?: number } = {}): Direction<MomentumState> {
  refuseUnknown('The EMA momentum direction', options, ['timescale']);
  const { timescale = 10 } = options;
  checkRange('momentum-ema', 'timescale', timescale, 1, Infinity, { loOpen: false });
  const d = decayOf(timescale);
  return {
    name: 'momentum-ema',
    hyper: { timescale },
    gradEmaTimescale: timescale,
    init: (params) => ({ acc: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state, t) => {
      const acc = sumDecay(state.acc, grads, d);
      const c = emaScale(d, t);
      return { v: acc, vScale: c, state: { acc }, gradEma: acc, gradEmaScale: c };
    },
  };
}
