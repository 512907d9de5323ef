import * as tf from '@tensorflow/tfjs-core';
import { biasCorrection, ema } from '../tensors';
import { checkRange } from '../flags';
import type { Direction, Tensors } from '../types';

export interface AdamState {
  readonly m: Tensors;
  readonly s: Tensors;
}

export interface AdamDirectionOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam's direction (Kingma & Ba; the paper's eq. 7): v = m̂ / (√ŝ + ε), with m̂ and ŝ the bias-corrected
 * EMAs of g and g². Defaults are the paper's: β1 = 0.9 (τm = 10), β2 = 0.999 (τs = 1000), ε = 1e-4.
 * m̂ is the gradient EMA with timescale 1/(1−β1), which L4Adam reuses as g.
 */
export function adamDirection({ beta1 = 0.9, beta2 = 0.999, epsilon = 1e-4 }: AdamDirectionOptions = {}): Direction<AdamState> {
  checkRange('adam', 'beta1', beta1, 0, 1, { loOpen: false });
  checkRange('adam', 'beta2', beta2, 0, 1, { loOpen: false });
  checkRange('adam', 'epsilon', epsilon, 0, Infinity, { loOpen: false });
  return {
    name: 'adam',
    hyper: { beta1, beta2, epsilon },
    gradEmaTimescale: 1 / (1 - beta1),
    init: (params) => ({ m: params.map((p) => tf.zerosLike(p)), s: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state, t) => {
      const c1 = biasCorrection(beta1, t);
      const c2 = biasCorrection(beta2, t);
      const m = grads.map((g, i) => ema(state.m[i]!, g, beta1));
      const s = grads.map((g, i) => ema(state.s[i]!, tf.square(g), beta2));
      const mHat = m.map((mi) => tf.mul(mi, c1));
      const v = mHat.map((mh, i) => tf.div(mh, tf.add(tf.sqrt(tf.mul(s[i]!, c2)), epsilon)));
      return { v, state: { m, s }, gradEma: mHat };
    },
  };
}
