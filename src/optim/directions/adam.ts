import * as tf from '@tensorflow/tfjs-core';
import { checkRange } from '../flags';
import { refuseUnknown } from '../settings';
import { emaScale, sumDecay } from '../tensors';
import type { Direction, Tensors } from '../types';

export interface AdamState {
  /** Σ_k β1^(t−k)·g_k: the first moment is m̂ = (1−β1)/(1−β1^t)·m. */
  readonly m: Tensors;
  /** Σ_k β2^(t−k)·g_k²: the second moment is ŝ = (1−β2)/(1−β2^t)·s. */
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
 *
 * With m̂ = c1·m and ŝ = c2·s (c = (1−β)/(1−β^t), host numbers), v = (c1/√c2) · m / (√s + ε/√c2): the
 * bias corrections cost no pass over the parameters. m̂ is the gradient EMA that L4Adam reuses as g.
 */
export function adamDirection(options: AdamDirectionOptions = {}): Direction<AdamState> {
  refuseUnknown('The Adam direction', options, ['beta1', 'beta2', 'epsilon']);
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-4 } = options;
  checkRange('adam', 'beta1', beta1, 0, 1, { loOpen: false });
  checkRange('adam', 'beta2', beta2, 0, 1, { loOpen: false });
  checkRange('adam', 'epsilon', epsilon, 0, Infinity, { loOpen: false });
  return {
    name: 'adam',
    hyper: { beta1, beta2, epsilon },
    gradEmaTimescale: 1 / (1 - beta1),
    init: (params) => ({ m: params.map((p) => tf.zerosLike(p)), s: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state, t) => {
      const c1 = emaScale(beta1, t);
      const rootC2 = Math.sqrt(emaScale(beta2, t));
      const m = sumDecay(state.m, grads, beta1);
      const s = sumDecay(
        state.s,
        grads.map((g) => tf.square(g)),
        beta2,
      );
      const v = m.map((mi, i) => tf.div(mi, tf.add(tf.sqrt(s[i]!), epsilon / rootC2)));
      return { v, vScale: c1 / rootC2, state: { m, s }, gradEma: m, gradEmaScale: c1 };
    },
  };
}
