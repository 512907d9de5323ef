import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { readHostScalar } from './internals';

/** What every step reports, and the factor its direction is multiplied by. */
export interface StepEpilogue {
  /** η: 0 when the step is skipped. */
  readonly effectiveLr: Scalar;
  /** The rule's flags, plus `nonFiniteDirection` when ‖v‖² is not finite. */
  readonly flags: Scalar;
  /** ‖Δθ‖ = η·vScale·‖v‖ (η ≥ 0). */
  readonly updateNorm: Scalar;
  /** Δθ = scale·v; exactly 0 for a skipped step. */
  readonly scale: Scalar;
}

/**
 * The common end of every step (stepsizes/rule.ts): a flagged step, or a direction that is not finite (NaN or
 * ±Inf in the gradients), takes no step and reports η = 0 and ‖Δθ‖ = 0. On WASM and cpu the four scalars are in
 * host memory: they are read in place and the result computed in float32 as the ops would round it (one
 * `tf.scalar` per output instead of ~12 scalar ops of ~10 µs of bookkeeping each, which on a 2-D task is a
 * third of a step); elsewhere the same arithmetic runs as ops.
 */
export function stepEpilogue(effectiveLr: Scalar, flags: Scalar, vNormSq: Scalar, vScale: number): StepEpilogue {
  const [eta, bits, nsq] = [readHostScalar(effectiveLr), readHostScalar(flags), readHostScalar(vNormSq)];
  if (eta !== null && bits !== null && nsq !== null) {
    const f = Math.fround;
    const all = bits + (Number.isFinite(nsq) ? 0 : StepFlags.nonFiniteDirection);
    const e = all === 0 ? eta : 0;
    const etaV = f(e * f(vScale));
    return {
      effectiveLr: tf.scalar(e),
      flags: tf.scalar(all),
      updateNorm: tf.scalar(all === 0 ? f(f(Math.sqrt(nsq)) * etaV) : 0),
      scale: tf.scalar(etaV === 0 ? 0 : -etaV),
    };
  }
  const directionFinite = tf.isFinite(vNormSq);
  const all = tf.add(flags, tf.mul(tf.cast(tf.logicalNot(directionFinite), 'float32'), StepFlags.nonFiniteDirection)) as Scalar;
  const ok = tf.equal(all, 0);
  const e = tf.where(ok, effectiveLr, 0) as Scalar;
  const etaV = tf.mul(e, vScale);
  return {
    effectiveLr: e,
    flags: all,
    updateNorm: tf.where(ok, tf.mul(tf.sqrt(vNormSq), etaV), 0) as Scalar,
    scale: tf.neg(etaV) as Scalar,
  };
}
