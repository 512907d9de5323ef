import * as tf from '@tensorflow/tfjs-core';
import type { SettingsOf } from '../../lib/settings';
import { finish, type RecipeOptions, type Transform } from '../compose';
import { ratio } from '../kernels/elementwise';
import { checkAgainst, pick, withDefaults } from '../spec';
import { constantRule } from '../stepsizes/constant';
import { withStepsize } from '../stepsizes/rule';
import type { Direction, Tensors } from '../types';
import { adagradMeta } from './adagrad.meta';

const DIRECTION = pick(adagradMeta.settings, 'initialAccumulator', 'epsilon');

export interface AdagradState {
  readonly s: Tensors;
}

/** AdaGrad (Duchi et al.): s ← s + g², v = g / (√s + ε); s starts at `initialAccumulator` as in tfjs. */
export function adagradDirection(options: Partial<SettingsOf<typeof DIRECTION>> = {}): Direction<AdagradState> {
  const s = withDefaults('The AdaGrad direction', DIRECTION, options);
  checkAgainst('adagrad', DIRECTION, s);
  const { initialAccumulator, epsilon } = s;
  return {
    name: 'adagrad',
    hyper: { initialAccumulator, epsilon },
    init: (params) => ({ s: params.map((p) => tf.fill(p.shape, initialAccumulator)) }),
    update: (grads, state) => {
      const s = grads.map((g, i) => tf.add(state.s[i]!, tf.square(g)));
      const v = grads.map((g, i) => ratio(g, s[i]!, epsilon));
      return { v, vScale: 1, state: { s } };
    },
  };
}

export type AdagradOptions = Partial<SettingsOf<typeof adagradMeta.settings>> & RecipeOptions;

/** AdaGrad: s ← s + g², Δθ = −lr·g/(√s + ε). */
export function adagrad(o: AdagradOptions = {}): Transform {
  const { learningRate, ...dir } = withDefaults(adagradMeta.title, adagradMeta.settings, o, ['weightDecay']);
  return finish(withStepsize('adagrad', adagradDirection(dir), constantRule({ learningRate })), o);
}
adagrad.meta = adagradMeta;
