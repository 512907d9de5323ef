import * as tf from '@tensorflow/tfjs-core';
import { checkRange } from '../flags';
import { refuseUnknown } from '../settings';
import { sumDecay } from '../tensors';
import type { Direction, Tensors } from '../types';

export interface RmsPropState {
  /** Σ_k ρ^(t−k)·g_k²: the running mean square is (1−ρ)·s. */
  readonly s: Tensors;
}

/**
 * RMSProp (Tieleman & Hinton): ms ← ρ·ms + (1−ρ)·g², v = g / (√ms + ε), no bias correction (as in Keras).
 * Kept as s with ms = (1−ρ)·s, so v = (1/√(1−ρ)) · g / (√s + ε/√(1−ρ)).
 */
export function rmspropDirection(options: { decay?: number; epsilon?: number } = {}): Direction<RmsPropState> {
  refuseUnknown('The RMSProp direction', options, ['decay', 'epsilon']);
  const { decay = 0.9, epsilon = 1e-7 } = options;
  checkRange('rmsprop', 'decay', decay, 0, 1, { loOpen: false });
  checkRange('rmsprop', 'epsilon', epsilon, 0, Infinity, { loOpen: false });
  const root = Math.sqrt(1 - decay);
  return {
    name: 'rmsprop',
    hyper: { decay, epsilon },
    init: (params) => ({ s: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state) => {
      const s = sumDecay(
        state.s,
        grads.map((g) => tf.square(g)),
        decay,
      );
      const v = grads.map((g, i) => tf.div(g, tf.add(tf.sqrt(s[i]!), epsilon / root)));
      return { v, vScale: 1 / root, state: { s } };
    },
  };
}
