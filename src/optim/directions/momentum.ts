import * as tf from '@tensorflow/tfjs-core';
import { biasCorrection, decayOf, ema } from '../tensors';
import { checkRange } from '../flags';
import type { Direction, Tensors } from '../types';

export interface MomentumState {
  readonly acc: Tensors;
}

/** Heavy-ball momentum: acc ← μ·acc + g, v = acc (tf.train.momentum, the paper's mSGD baseline). */
export function heavyBallDirection({ momentum = 0.9 }: { momentum?: number } = {}): Direction<MomentumState> {
  checkRange('momentum', 'momentum', momentum, 0, 1, { loOpen: false });
  return {
    name: 'momentum',
    hyper: { momentum },
    init: (params) => ({ acc: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state) => {
      const acc = grads.map((g, i) => tf.add(tf.mul(state.acc[i]!, momentum), g));
      return { v: acc, state: { acc } };
    },
  };
}

/**
 * The paper's momentum direction (eq. 7): v = ⟨∇L⟩_τm, the bias-corrected EMA of the gradient with
 * timescale τm (decay 1 − 1/τm). It is its own gradient estimate, so L4Mom computes it once.
 */
export function emaMomentumDirection({ timescale = 10 }: { timescale?: number } = {}): Direction<MomentumState> {
  checkRange('momentum-ema', 'timescale', timescale, 1, Infinity, { loOpen: false });
  const d = decayOf(timescale);
  return {
    name: 'momentum-ema',
    hyper: { timescale },
    gradEmaTimescale: timescale,
    init: (params) => ({ acc: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state, t) => {
      const acc = grads.map((g, i) => ema(state.acc[i]!, g, d));
      const c = biasCorrection(d, t);
      const v = acc.map((a) => tf.mul(a, c));
      return { v, state: { acc }, gradEma: v };
    },
  };
}
