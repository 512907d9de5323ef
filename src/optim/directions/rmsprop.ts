import * as tf from '@tensorflow/tfjs-core';
import { ema } from '../tensors';
import { checkRange } from '../flags';
import type { Direction, Tensors } from '../types';

export interface RmsPropState {
  readonly s: Tensors;
}

/** RMSProp (Tieleman & Hinton): s ← ρ·s + (1−ρ)·g², v = g / (√s + ε). No bias correction, as in Keras. */
export function rmspropDirection({ decay = 0.9, epsilon = 1e-7 }: { decay?: number; epsilon?: number } = {}): Direction<RmsPropState> {
  checkRange('rmsprop', 'decay', decay, 0, 1, { loOpen: false });
  checkRange('rmsprop', 'epsilon', epsilon, 0, Infinity, { loOpen: false });
  return {
    name: 'rmsprop',
    hyper: { decay, epsilon },
    init: (params) => ({ s: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state) => {
      const s = grads.map((g, i) => ema(state.s[i]!, tf.square(g), decay));
      const v = grads.map((g, i) => tf.div(g, tf.add(tf.sqrt(s[i]!), epsilon)));
      return { v, state: { s } };
    },
  };
}
