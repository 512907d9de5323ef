import * as tf from '@tensorflow/tfjs-core';
import { checkRange } from '../flags';
import { refuseUnknown, SettingsError } from '../settings';
import { emaScale, sumDecay } from '../tensors';
import type { Direction, Tensors } from '../types';

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
export type AdamEpsilonForm = 'corrected' | 'tensorflow';
export const ADAM_EPSILON_FORMS: readonly AdamEpsilonForm[] = ['corrected', 'tensorflow'];

export interface AdamDirectionOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  epsilonForm?: AdamEpsilonForm;
}

/**
 * Adam's direction (Kingma & Ba; the paper's eq. 7): v = m̂ / (√ŝ + ε), with m̂ and ŝ the bias-corrected
 * EMAs of g and g². Defaults are the paper's: β1 = 0.9 (τm = 10), β2 = 0.999 (τs = 1000), ε = 1e-4.
 *
 * With m̂ = c1·m and ŝ = c2·s (c = (1−β)/(1−β^t), host numbers), v = (c1/√c2) · m / (√s + ε/√c2): the
 * bias corrections cost no pass over the parameters. m̂ is the gradient EMA that L4Adam reuses as g.
 */
export function adamDirection(options: AdamDirectionOptions = {}): Direction<AdamState> {
  refuseUnknown('The Adam direction', options, ['beta1', 'beta2', 'epsilon', 'epsilonForm']);
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-4, epsilonForm = 'corrected' } = options;
  if (!ADAM_EPSILON_FORMS.includes(epsilonForm))
    throw new SettingsError(`Adam: epsilonForm must be one of ${ADAM_EPSILON_FORMS.join(', ')}, got ${JSON.stringify(epsilonForm)}.`);
  checkRange('adam', 'beta1', beta1, 0, 1, { loOpen: false });
  checkRange('adam', 'beta2', beta2, 0, 1, { loOpen: false });
  checkRange('adam', 'epsilon', epsilon, 0, Infinity, { loOpen: false });
  return {
    name: epsilonForm === 'tensorflow' ? 'adam-tf-epsilon' : 'adam',
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
      // TensorFlow's ε sits beside √v = √((1−β2)·s), before the correction: ε/√(1−β2) beside √s, for every t.
      const offset = epsilonForm === 'tensorflow' ? epsilon / Math.sqrt(1 - beta2) : epsilon / rootC2;
      const v = m.map((mi, i) => tf.div(mi, tf.add(tf.sqrt(s[i]!), offset)));
      return { v, vScale: c1 / rootC2, state: { m, s }, gradEma: m, gradEmaScale: c1 };
    },
  };
}
