import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { Tensors } from './types';

/** Exponential moving average `d·prev + (1−d)·x`; starts from zeros, so callers bias-correct. */
export function ema(prev: Tensor, x: Tensor, decay: number): Tensor {
  return tf.add(tf.mul(prev, decay), tf.mul(x, 1 - decay));
}

/**
 * The bias-correction factor 1/(1 − d^t) for an EMA with decay d after t updates (Adam, Kingma & Ba;
 * the paper's Algorithm 2). Computed in float64 on the host: t is known without a readback.
 */
export function biasCorrection(decay: number, t: number): number {
  return 1 / (1 - Math.pow(decay, t));
}

/** Decay of an EMA with the given timescale: d = 1 − 1/τ. */
export function decayOf(timescale: number): number {
  return 1 - 1 / timescale;
}

/** Whether two EMA timescales are the same average (1/(1−0.9) is not exactly 10 in floating point). */
export function sameTimescale(a: number | undefined, b: number): boolean {
  return a !== undefined && Math.abs(a - b) <= 1e-9 * Math.abs(b);
}

/** Σ_i sum(a_i ⊙ b_i): the inner product of two parameter lists, as one device scalar. */
export function dot(a: Tensors, b: Tensors): Scalar {
  const parts = a.map((ai, i) => tf.sum(tf.mul(ai, b[i] as Tensor)));
  return (parts.length === 1 ? parts[0] : tf.addN(parts)) as Scalar;
}

/** Σ_i ‖a_i‖²; reuses `dot` when a and b are the same tensors. */
export function sumSquares(a: Tensors): Scalar {
  const parts = a.map((ai) => tf.sum(tf.square(ai)));
  return (parts.length === 1 ? parts[0] : tf.addN(parts)) as Scalar;
}

/** 1 where x is finite, 0 otherwise, as float32. */
export function finite(x: Scalar): Scalar {
  return tf.cast(tf.isFinite(x), 'float32') as Scalar;
}

/** Scales every tensor by a (device) scalar. */
export function scaleAll(xs: Tensors, s: Scalar | number): Tensors {
  return xs.map((x) => tf.mul(x, s));
}

/** Every tensor inside a (possibly nested) state object. */
export function tensorsIn(value: unknown, out: Tensor[] = []): Tensor[] {
  if (value instanceof tf.Tensor) out.push(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) tensorsIn(v, out);
  return out;
}

/**
 * Disposes the tensors of `old` that `next` does not hold any more. Transforms may pass tensors
 * through unchanged, so a blanket dispose of the old state would free live tensors.
 */
export function disposeReplaced(old: unknown, next: unknown): void {
  const keep = new Set(tensorsIn(next).map((t) => t.id));
  for (const t of tensorsIn(old)) if (!keep.has(t.id) && !t.isDisposed) t.dispose();
}
