import * as tf from '@tensorflow/tfjs-core';
import type { SettingsOf } from '../../lib/settings';
import { finish, type RecipeOptions, type Transform } from '../compose';
import { axpby, ratio } from '../kernels/elementwise';
import { checkAgainst, pick, withDefaults } from '../spec';
import { constantRule } from '../stepsizes/constant';
import { withStepsize } from '../stepsizes/rule';
import { sumDecay } from '../tensors';
import type { Direction, Tensors } from '../types';
import { rmspropMeta } from './rmsprop.meta';

const DIRECTION = pick(rmspropMeta.settings, 'decay', 'epsilon', 'form');

export interface RmsPropState {
  /** 'keras': Σ_k ρ^(t−k)·g_k², the running mean square being (1−ρ)·s. 'tf1': the mean square itself. */
  readonly s: Tensors;
}

/**
 * 'keras' (the lab's default): the mean square starts at 0 and ε is added outside the root, v = g/(√ms + ε).
 * 'tf1' (TensorFlow 1's RMSPropOptimizer, which Fig. 6's DNC training used): the mean square starts at 1 and ε is
 * inside the root, v = g/√(ms + ε).
 */
export type RmsPropDirectionOptions = Partial<SettingsOf<typeof DIRECTION>>;
export type RmsPropForm = SettingsOf<typeof DIRECTION>['form'];

/**
 * RMSProp (Tieleman & Hinton): ms ← ρ·ms + (1−ρ)·g², no bias correction. In the Keras form v = g/(√ms + ε), kept as
 * s with ms = (1−ρ)·s, so v = (1/√(1−ρ))·g/(√s + ε/√(1−ρ)); in TensorFlow 1's form (ms from 1) v = g/√(ms + ε).
 */
export function rmspropDirection(options: RmsPropDirectionOptions = {}): Direction<RmsPropState> {
  const s = withDefaults('The RMSProp direction', DIRECTION, options);
  checkAgainst('rmsprop', DIRECTION, s);
  const { decay, epsilon, form } = s;
  if (form === 'tf1') {
    return {
      name: 'rmsprop-tf1',
      hyper: { decay, epsilon },
      init: (params) => ({ s: params.map((p) => tf.onesLike(p)) }),
      update: (grads, state) => {
        const s = state.s.map((ms, i) => axpby(ms, decay, grads[i]!, 1 - decay, { square: true }));
        return { v: grads.map((g, i) => tf.div(g, tf.sqrt(tf.add(s[i]!, epsilon)))), vScale: 1, state: { s } };
      },
    };
  }
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
      const v = grads.map((g, i) => ratio(g, s[i]!, epsilon / root));
      return { v, vScale: 1 / root, state: { s } };
    },
  };
}

export type RmsPropOptions = Partial<SettingsOf<typeof rmspropMeta.settings>> & RecipeOptions;

/** RMSProp: s ← ρ·s + (1−ρ)·g², Δθ = −lr·g/(√s + ε). */
export function rmsprop(o: RmsPropOptions = {}): Transform {
  const { learningRate, clipNorm, ...dir } = withDefaults(rmspropMeta.title, rmspropMeta.settings, o, ['weightDecay']);
  return finish(withStepsize('rmsprop', rmspropDirection(dir), constantRule({ learningRate })), { ...o, clipNorm });
}
rmsprop.meta = rmspropMeta;
