import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { checkAgainst, clipSpec } from './spec';
import { sumSquares } from './tensors';
import type { GradientTransformation, OptState } from './types';

/**
 * Clips the gradients to a global norm before any transform sees them, as TensorFlow's `clip_by_global_norm`
 * (the DNC training of Fig. 6 clips at 50): g ← g·c/max(‖g‖, c), ‖g‖ over every parameter together. The factor
 * stays on the device. Non-finite gradients stay non-finite, so the step's guard skips them.
 */
export function withClipping<S extends OptState>(inner: GradientTransformation<S>, clipNorm: number): GradientTransformation<S> {
  checkAgainst(`${inner.config.name} gradient clipping`, [clipSpec], { clipNorm });
  return {
    ...inner,
    config: { ...inner.config, clipNorm },
    update(grads, state, params, inputs) {
      const factor = tf.div(clipNorm, tf.maximum(tf.sqrt(sumSquares(grads)), clipNorm)) as Scalar;
      // Not its gradients' Σ|g| (StepOutput.gradsL1): the inner transform saw them scaled.
      const out = inner.update(
        grads.map((g) => tf.mul(g, factor)),
        state,
        params,
        inputs,
      );
      return { updates: out.updates, state: out.state };
    },
  };
}
