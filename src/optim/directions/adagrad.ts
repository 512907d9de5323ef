import * as tf from '@tensorflow/tfjs-core';
import { checkRange } from '../flags';
import { refuseUnknown } from '../settings';
import type { Direction, Tensors } from '../types';

export interface AdagradState {
  readonly s: Tensors;
}

/** AdaGrad (Duchi et al.): s ← s + g², v = g / (√s + ε); s starts at `initialAccumulator` as in tfjs. */
export function adagradDirection(options: { initialAccumulator?: number; epsilon?: number } = {}): Direction<AdagradState> {
  refuseUnknown('The AdaGrad direction', options, ['initialAccumulator', 'epsilon']);
  const { initialAccumulator = 0.1, epsilon = 1e-7 } = options;
  checkRange('adagrad', 'initialAccumulator', initialAccumulator, 0, Infinity, { loOpen: false });
  checkRange('adagrad', 'epsilon', epsilon, 0, Infinity, { loOpen: false });
  return {
    name: 'adagrad',
    hyper: { initialAccumulator, epsilon },
    init: (params) => ({ s: params.map((p) => tf.fill(p.shape, initialAccumulator)) }),
    update: (grads, state) => {
      const s = grads.map((g, i) => tf.add(state.s[i]!, tf.square(g)));
      const v = grads.map((g, i) => tf.div(g, tf.add(tf.sqrt(s[i]!), epsilon)));
      return { v, vScale: 1, state: { s } };
    },
  };
}
