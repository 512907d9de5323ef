import * as tf from '@tensorflow/tfjs-core';
import { finish, type RecipeOptions, type Transform } from '../compose';
import { axpby, cautiousRatio, ratio } from '../kernels/elementwise';
import { checkAgainst, pick, withDefaults } from '../spec';
import { constantRule } from '../stepsizes/constant';
import { withStepsize } from '../stepsizes/rule';
import { emaScale, sumDecay } from '../tensors';
import type { Direction, Tensors } from '../types';
import { adamMeta } from './adam.meta';
import type { SettingsOf } from '../../lib/settings';

export interface AdamState {
  /** Σ_k β1^(t−k)·g_k: the first moment is m̂ = (1−β1)/(1−β1^t)·m. */
  readonly m: Tensors;
  /** Σ_k β2^(t−k)·g_k²: the second moment is ŝ = (1−β2)/(1−β2^t)·s. */
  readonly s: Tensors;
}

/**
 * Where ε enters Adam's denominator. 'corrected' (Kingma & Ba's Algorithm 1, the lab's default): √ŝ + ε, after the
 * bias correction. 'tensorflow' (TensorFlow's AdamOptimizer, the paper's baseline): ε is added to the uncorrected
 * √s, so in the corrected form it is ε/√(1 − β2ᵗ), larger in the first thousand steps (with the paper's ε = 1e-4
 * that moves 1-epoch MNIST accuracy by about 0.24 points).
 */
export type AdamEpsilonForm = AdamSettings['epsilonForm'];

/** The direction's own settings: Adam's, without the rate and clipping. */
const DIRECTION = pick(adamMeta.settings, 'beta1', 'beta2', 'epsilon', 'epsilonForm', 'firstMoment');

export type AdamDirectionOptions = Partial<SettingsOf<typeof DIRECTION>>;

/**
 * Adam's direction (Kingma & Ba; the paper's eq. 7): v = m̂ / (√ŝ + ε), with m̂ and ŝ the bias-corrected
 * EMAs of g and g². Defaults are the paper's: β1 = 0.9 (τm = 10), β2 = 0.999 (τs = 1000), ε = 1e-4.
 *
 * With m̂ = c1·m and ŝ = c2·s (c = (1−β)/(1−β^t), host numbers), v = (c1/√c2) · m / (√s + ε/√c2): the
 * bias corrections cost no pass over the parameters. m̂ is the gradient EMA that L4Adam reuses as g.
 *
 * `firstMoment: 'nesterov'` (NAdam, as optax's `nadam` and AlgoPerf's NAdamW baseline): the numerator looks one
 * step ahead, (β1·m̂_t + (1 − β1)·g_t / (1 − β1ᵗ)) = c1·(β1·m + g); everything else is Adam's.
 */
export function adamDirection(options: AdamDirectionOptions = {}): Direction<AdamState> {
  const s = withDefaults('The Adam direction', DIRECTION, options);
  checkAgainst('adam', DIRECTION, s);
  const { beta1, beta2, epsilon, epsilonForm, firstMoment } = s;
  const nesterov = firstMoment === 'nesterov';
  return {
    name: `${nesterov ? 'nadam' : 'adam'}${epsilonForm === 'tensorflow' ? '-tf-epsilon' : ''}`,
    hyper: { beta1, beta2, epsilon },
    gradEmaTimescale: 1 / (1 - beta1),
    init: (params) => ({ m: params.map((p) => tf.zerosLike(p)), s: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state, t, o = {}) => {
      const c1 = emaScale(beta1, t);
      const rootC2 = Math.sqrt(emaScale(beta2, t));
      const m = sumDecay(state.m, grads, beta1);
      const s = sumDecay(state.s, grads, beta2, { square: true });
      // TensorFlow's ε sits beside √v = √((1−β2)·s), before the correction: ε/√(1−β2) beside √s, for every t.
      const offset = epsilonForm === 'tensorflow' ? epsilon / Math.sqrt(1 - beta2) : epsilon / rootC2;
      const numerators = nesterov ? m.map((mi, i) => axpby(mi, beta1, grads[i]!, 1)) : m;
      // Cautious (directions/cautious.ts): on GPUs the mask in the ratio's own program.
      const masked = o.cautious === undefined ? null : cautiousRatio(numerators, s, offset, grads, o.cautious);
      const v = masked ?? numerators.map((n, i) => ratio(n, s[i]!, offset));
      return { v, vScale: c1 / rootC2, state: { m, s }, gradEma: m, gradEmaScale: c1, masked: masked !== null };
    },
  };
}

/** Adam's settings, derived from its spec (adam.meta.ts). */
export type AdamSettings = SettingsOf<typeof adamMeta.settings>;
export type AdamOptions = Partial<AdamSettings> & RecipeOptions;

/** Adam with the paper's baseline settings by default: lr 1e-3, β1 0.9, β2 0.999, ε 1e-4. */
export function adam(o: AdamOptions = {}): Transform {
  const { learningRate, clipNorm, ...dir } = withDefaults(adamMeta.title, adamMeta.settings, o, ['weightDecay']);
  return finish(withStepsize('adam', adamDirection(dir), constantRule({ learningRate })), { ...o, clipNorm });
}
adam.meta = adamMeta;
