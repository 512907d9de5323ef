import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { readHostScalar } from './internals';

/**
 * s·x, except that a zero s gives exactly zero even where x is NaN or ±Inf (0·NaN = NaN would otherwise
 * write NaN into the parameters of a step that was skipped). On WASM and cpu the scalar lives in host memory:
 * it is read in place (no device round trip) and a skipped step costs a fill; a taken step is the plain
 * multiply. Elsewhere it is a select per element.
 */
export function scaleOrZero(x: Tensor, s: Scalar): Tensor {
  const host = readHostScalar(s);
  if (host !== null) return host === 0 ? tf.zerosLike(x) : tf.mul(x, s);
  return tf.where(tf.notEqual(s, 0), tf.mul(x, s), 0);
}
