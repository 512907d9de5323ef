import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { Tensors } from './types';
import type { SumKind } from './kernels/gpuGroups';
import { hostDots, hostDotsAvailable } from './kernels/hostDots';
import { axpby } from './kernels/elementwise';
import { webglDots, webglDotsAvailable } from './kernels/webglDots';
import { webgpuDots, webgpuDotsAvailable } from './kernels/webgpuDots';

/**
 * a ← d·a + x for every tensor (d·a + x² with `square`): the undivided running sum behind an EMA (one pass on WASM,
 * two or three op by op).
 */
export function sumDecay(prev: Tensors, xs: Tensors, decay: number, { square = false } = {}): Tensors {
  return xs.map((x, i) => axpby(prev[i]!, decay, x, 1, { square }));
}

/** β·m + (1 − β)·x for every tensor (x² with `square`): an exponential moving average as the official code writes it. */
export function ema(prev: Tensors, xs: Tensors, beta: number, { square = false } = {}): Tensors {
  return xs.map((x, i) => axpby(prev[i]!, beta, x, 1 - beta, { square }));
}

/**
 * The factor that turns the running sum a_t = Σ_k d^(t−k)·x_k into the bias-corrected EMA after t updates
 * (Adam, Kingma & Ba; the paper's Algorithm 2): (1 − d)/(1 − d^t). Computed in float64 on the host: t is
 * known without a readback.
 */
export function emaScale(decay: number, t: number): number {
  return (1 - decay) / (1 - Math.pow(decay, t));
}

/** Decay of an EMA with the given timescale: d = 1 − 1/τ. */
export function decayOf(timescale: number): number {
  return 1 - 1 / timescale;
}

/** Whether two EMA timescales are the same average (1/(1−0.9) is not exactly 10 in floating point). */
export function sameTimescale(a: number | undefined, b: number): boolean {
  return a !== undefined && Math.abs(a - b) <= 1e-9 * Math.abs(b);
}

// On the cpu backend a 1×n·n×1 matMul is 4× faster than sum(mul); elsewhere sum(mul) is as fast or faster.
function dotOne(a: Tensor, b: Tensor): Scalar {
  if (tf.getBackend() === 'cpu') return tf.reshape(tf.matMul(tf.reshape(a, [1, -1]), tf.reshape(b, [-1, 1])), []);
  return tf.sum(tf.mul(a, b));
}

function dotOps(a: Tensors, b: Tensors): Scalar {
  const parts = a.map((ai, i) => dotOne(ai, b[i] as Tensor));
  return (parts.length === 1 ? parts[0] : tf.addN(parts)) as Scalar;
}

/** One sum over parameter lists: the inner product Σ_i sum(a_i ⊙ b_i), or the L1 norm Σ_i sum(|a_i|). */
export type ParameterSum = { readonly dot: readonly [Tensors, Tensors] } | { readonly l1: Tensors };

function sumOps(t: ParameterSum): Scalar {
  if ('dot' in t) return dotOps(t.dot[0], t.dot[1]);
  const parts = t.l1.map((x) => tf.sum(tf.abs(x)));
  return (parts.length === 1 ? parts[0] : tf.addN(parts)) as Scalar;
}

/**
 * scale_p · (sum p) for one or two sums over parameter lists, as device scalars. On WebGL they take two shader
 * dispatches together (webglDots.ts), on WebGPU a few compute dispatches (webgpuDots.ts), on WASM and cpu one
 * pass over the values in host memory (hostDots.ts): op by op they cost several kernels per tensor.
 */
export function parameterSums(terms: readonly ParameterSum[], scales?: readonly number[]): Scalar[] {
  // The GPU kernels sum up to two pairs in one pass; more go two at a time (op by op, MoMo's three sums cost
  // ~120 WebGL programs a step).
  const backend = tf.getBackend();
  if (terms.length > 2 && (backend === 'webgl' || backend === 'webgpu')) {
    const out: Scalar[] = [];
    for (let i = 0; i < terms.length; i += 2) out.push(...parameterSums(terms.slice(i, i + 2), scales?.slice(i, i + 2)));
    return out;
  }
  // An L1 norm runs in the kernels as the pair (a, a), flagged to sum |a|.
  const pairs = terms.map((t) => ('dot' in t ? t.dot : ([t.l1, t.l1] as const)));
  const kinds = terms.map((t): SumKind => ('dot' in t ? 'dot' : 'abs'));
  if (webglDotsAvailable(pairs)) return webglDots(pairs, scales, kinds);
  if (webgpuDotsAvailable(pairs)) return webgpuDots(pairs, scales, kinds);
  if (hostDotsAvailable(pairs)) return hostDots(pairs, scales, kinds);
  return terms.map((t, i) => {
    const d = sumOps(t);
    const s = scales?.[i] ?? 1;
    return s === 1 ? d : (tf.mul(d, s) as Scalar);
  });
}

/** scale_p · Σ_i sum(a_i ⊙ b_i) for each pair (a, b) of parameter lists (see `parameterSums`). */
export function dots(pairs: readonly (readonly [Tensors, Tensors])[], scales?: readonly number[]): Scalar[] {
  return parameterSums(
    pairs.map((dot) => ({ dot })),
    scales,
  );
}

/** Σ_i sum(|a_i|): the L1 norm of a parameter list, as one device scalar. */
export function sumAbs(a: Tensors): Scalar {
  return parameterSums([{ l1: a }])[0]!;
}

/** Σ_i sum(a_i ⊙ b_i): the inner product of two parameter lists, as one device scalar. */
export function dot(a: Tensors, b: Tensors): Scalar {
  return dots([[a, b]])[0]!;
}

/** Σ_i ‖a_i‖². */
export function sumSquares(a: Tensors): Scalar {
  return dot(a, a);
}

/** 1 where x is finite, 0 otherwise, as float32. */
export function finite(x: Scalar): Scalar {
  return tf.cast(tf.isFinite(x), 'float32') as Scalar;
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
