import type { Direction } from '../types';

/** Plain gradient direction: v = ∇L. */
export function sgdDirection(): Direction<null> {
  return {
    name: 'sgd',
    hyper: {},
    init: () => null,
    update: (grads) => ({ v: grads, vScale: 1, state: null }),
  };
}
