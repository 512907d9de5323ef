import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import type { L4EpilogueSettings } from '../stepsizes/l4Formula';
import type { L4EpilogueTensors } from './l4Epilogue';

/**
 * stepsizes/l4Formula.ts as plain tfjs ops (~30 of them): the path on a backend without our fused kernel, or
 * with a tfjs version our kernels were not written for (kernels/internals.ts). Held bit for bit to the fused
 * kernels on cpu and WASM by l4.test.ts.
 */
export function l4EpilogueOps(L: Scalar, lossMin: Scalar, gDotV: Scalar, h: L4EpilogueSettings): L4EpilogueTensors {
  const lossFinite = tf.isFinite(L);
  const lossNegative = tf.less(L, 0);
  const lossValid = tf.logicalAnd(lossFinite, tf.logicalNot(lossNegative));
  // +Inf marks "no valid loss seen yet": the first valid loss initialises L_min to γ0·L.
  const seen = tf.where(tf.isInf(lossMin), tf.mul(L, h.gamma0), tf.minimum(lossMin, L));
  const used = tf.where(lossValid, seen, lossMin) as Scalar;
  const numerator = tf.sub(L, tf.mul(used, h.gamma)) as Scalar;
  const denominator = tf.add(gDotV, h.epsilon);
  const denomOk = tf.logicalAnd(tf.isFinite(denominator), tf.greater(gDotV, 0));
  const ok = tf.logicalAnd(lossValid, denomOk);
  const effectiveLr = tf.where(ok, tf.mul(tf.div(numerator, denominator), h.alpha), tf.zerosLike(L)) as Scalar;
  const flags = tf.addN([
    tf.cast(tf.logicalNot(lossFinite), 'float32'),
    tf.mul(tf.cast(lossNegative, 'float32'), 2),
    tf.mul(tf.cast(tf.logicalNot(denomOk), 'float32'), 4),
  ]) as Scalar;
  const forgotten = tf.where(lossValid, tf.mul(used, 1 + 1 / h.tau), used) as Scalar;
  return { effectiveLr, lossMin: forgotten, numerator, flags };
}
