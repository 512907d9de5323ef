import * as tf from '@tensorflow/tfjs';

/**
 * The step-quality columns (`RunnerOptions.stepQuality`). The ratio is 1 for a step small enough to be linear, ½ for
 * the exact minimum along the step on a quadratic, ≤ 0 for an overshoot (the loss rose or stayed); a skipped step
 * (Δθ = 0) has no ratio.
 */
export const STEP_QUALITY_COLUMNS = ['predictedDecrease', 'measuredDecrease', 'stepQuality'] as const;

/**
 * The step-quality columns of a step just taken, on the device: −gᵀΔθ over every tensor (Δθ = params − before),
 * the loss decrease on the same batch (one forward pass of `loss`, no gradient), and their ratio.
 */
export function stepQualityOf(
  params: readonly tf.Tensor[],
  before: readonly tf.Tensor[],
  grads: readonly tf.Tensor[],
  lossBefore: tf.Scalar,
  loss: () => tf.Scalar,
): [tf.Scalar, tf.Scalar, tf.Scalar] {
  const predicted = tf.neg(tf.addN(params.map((p, i) => tf.sum(tf.mul(grads[i]!, tf.sub(p, before[i]!)))))) as tf.Scalar;
  const measured = tf.sub(lossBefore, loss()) as tf.Scalar;
  return [predicted, measured, tf.div(measured, predicted) as tf.Scalar];
}
