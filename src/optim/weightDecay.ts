import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { checkAgainst, WEIGHT_DECAY_COEFFICIENT } from './spec';
import { sumSquares } from './tensors';
import type { GradientTransformation, OptState, WeightDecayConfig } from './types';

/**
 * Adds weight decay to any transform, as an explicit choice recorded in `config.weightDecay`:
 * - 'l2' (the paper's setting, Sec. 3.3): the rule sees L + ½·λ·‖θ‖² and the gradient g + λ·θ, so L4's
 *   stepsize accounts for the penalty;
 * - 'decoupled' (AdamW-style): after the rule's step, θ also moves by −η_eff·λ·θ, with η_eff the step's
 *   effective learning rate (so a skipped step decays nothing).
 */
export function withWeightDecay<S extends OptState>(
  inner: GradientTransformation<S>,
  weightDecay: WeightDecayConfig,
): GradientTransformation<S> {
  checkAgainst('weight decay', [WEIGHT_DECAY_COEFFICIENT], { coefficient: weightDecay.coefficient });
  if (inner.config.weightDecay !== null) throw new Error(`${inner.config.name} already has weight decay.`);
  const lambda = weightDecay.coefficient;
  return {
    ...inner,
    config: { ...inner.config, weightDecay: { ...weightDecay } },
    update(grads, state, params, inputs) {
      if (weightDecay.mode === 'l2') {
        const g = grads.map((x, i) => tf.add(x, tf.mul(params[i]!, lambda)));
        const loss = inputs.loss === undefined ? undefined : (tf.add(inputs.loss, tf.mul(sumSquares(params), lambda / 2)) as Scalar);
        // Not its gradients' Σ|g| (StepOutput.gradsL1): the inner transform saw g + λ·θ.
        const out = inner.update(g, state, params, { ...inputs, loss });
        return { updates: out.updates, state: out.state };
      }
      const out = inner.update(grads, state, params, inputs);
      const rate = tf.mul(out.state.diagnostics.effectiveLr!, -lambda);
      return { updates: out.updates.map((u, i) => tf.add(u, tf.mul(params[i]!, rate))), state: out.state };
    },
  };
}
