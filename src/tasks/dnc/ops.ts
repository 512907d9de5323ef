/**
 * The DNC's awkward operations in tfjs terms (see the module header in index.ts): stop-gradient, the sort-free
 * allocation with a constant order, content addressing, the weight matmul with explicit-transpose gradients, and
 * products over heads without tf.prod.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedDncHere } from './fused';
import { fusedContentWeights } from './fusedContent';
import { DNC_EPSILON, type DncConfig } from './model';

/** What tf.customGrad takes (tfjs does not export the type). */
type CustomGradient = Parameters<typeof tf.customGrad>[0];

/** The identity forward, a zero gradient backward (tf.stop_gradient); its forward ops are not taped. */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as CustomGradient);

/** Constants a DNC's steps share: made once per model, disposed with it. */
export interface DncConstants {
  /** [N, N]: 1 where k < j (row j, column k): the tie rule of `top_k`, lower index first. */
  readonly lowerIndex: tf.Tensor2D;
  /** [N, N]: 1 − I, which sets the link's diagonal to 0 (tf.matrix_set_diag). */
  readonly offDiagonal: tf.Tensor2D;
}

export function dncConstants(c: DncConfig): DncConstants {
  const N = c.memorySize;
  return tf.tidy(() => {
    const idx = tf.range(0, N, 1, 'int32');
    return {
      lowerIndex: tf.cast(tf.less(tf.reshape(idx, [1, N]), tf.reshape(idx, [N, 1])), 'float32') as tf.Tensor2D,
      offDiagonal: tf.sub(1, tf.eye(N)) as tf.Tensor2D,
    };
  });
}

/**
 * [B, N, N]: 1 iff slot k is allocated before slot j (row j, column k): larger nonusage first, the lower index
 * on exact (float32) ties. The order is a constant for the gradient.
 */
const precedesMask = tf.customGrad(((key: tf.Tensor, lowerIndex: tf.Tensor) => ({
  value: tf.tidy(() => {
    // d[b,j,k] = key_k − key_j, which is 0 exactly when the float32 keys are equal. Arithmetic rather than
    // broadcast comparisons, which cost ~15× more on wasm.
    const d = tf.sub(tf.expandDims(key, 1), tf.expandDims(key, 2));
    const greater = tf.step(d);
    const tie = tf.sub(tf.sub(1, greater), tf.step(tf.neg(d)));
    return tf.add(greater, tf.mul(tie, lowerIndex));
  }),
  gradFunc: () => [tf.zerosLike(key), tf.zerosLike(lowerIndex)],
})) as CustomGradient);

/**
 * x @ w for 2-D x and w, whose gradient transposes explicitly: tfjs-wasm's matMul with a transpose flag is
 * ~10× slower than a transpose and a plain matMul at these sizes (measured: 1.39 ms against 0.12 ms for the
 * LSTM's weight gradient), and matMul's own gradient uses the flags.
 */
export const linear = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: (ts: tf.Tensor[]) => void) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      // dx = dy·wᵀ as (w·dyᵀ)ᵀ: w is the product's left operand, so the operand XNNPACK packs afresh each call is the
      // small dyᵀ, not a new transpose of w (in the LSTM's backward 175 µs a product the other way round, at B = 16).
      return [tf.transpose(tf.matMul(ws, tf.transpose(dy))), tf.matMul(tf.transpose(xs), dy)];
    },
  };
}) as unknown as CustomGradient) as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor2D;

/**
 * Allocation weights for a usage u [B, N] (addressing.py `Freeness._allocation`): û = ε + (1 − ε)u, nonusage
 * = 1 − û; in order of descending nonusage, a = nonusage · (exclusive product of û over the slots before).
 */
export function allocation(u: tf.Tensor2D, k: DncConstants): tf.Tensor2D {
  const nonusage = tf.sub(1, tf.add(DNC_EPSILON, tf.mul(1 - DNC_EPSILON, u))) as tf.Tensor2D;
  const before = precedesMask(nonusage, k.lowerIndex) as tf.Tensor3D;
  // The exclusive product of sorted_usage = 1 − sorted_nonusage, as exp(Σ_k before[j,k]·log(1 − nonusage_k)):
  // 1 − nonusage ≥ ε, so the log is finite. (tf.prod's gradient is wrong on WebGPU in tfjs 4.22: 11 % off here.)
  const logUsage = tf.expandDims(tf.log(tf.sub(1, nonusage)), 2); // [B, N, 1]
  const prior = tf.exp(tf.squeeze(tf.matMul(before, logUsage), [2]));
  return tf.mul(nonusage, prior) as tf.Tensor2D;
}

/**
 * Content weights C(M, k, s) [B, K, N] (addressing.py `CosineWeights`): softmax over slots of
 * softplus(s)·(k·M_n)/(√(|k|²+ε)·√(|M_n|²+ε) + ε).
 */
export function contentWeights(memory: tf.Tensor3D, keys: tf.Tensor3D, strengths: tf.Tensor2D): tf.Tensor3D {
  // On WASM and cpu one kernel each way (fused.ts); these ops on the GPUs.
  if (fusedDncHere()) return fusedContentWeights(memory, keys, strengths);
  const dot = tf.matMul(keys, memory, false, true); // [B, K, N]
  const keyNorm = tf.sqrt(tf.add(tf.sum(tf.square(keys), 2, true), DNC_EPSILON)); // [B, K, 1]
  const memNorm = tf.expandDims(tf.sqrt(tf.add(tf.sum(tf.square(memory), 2), DNC_EPSILON)), 1); // [B, 1, N]
  const similarity = tf.div(dot, tf.add(tf.mul(keyNorm, memNorm), DNC_EPSILON));
  return tf.softmax(tf.mul(similarity, tf.expandDims(tf.softplus(strengths), 2))) as tf.Tensor3D;
}

/**
 * Π over a short `axis` (the heads) as a chain of multiplies: tf.prod's gradient is wrong on WebGPU (tfjs 4.22),
 * and with one head there is nothing to multiply.
 */
export const prodAxis = (x: tf.Tensor, axis: number): tf.Tensor => {
  const n = x.shape[axis]!;
  if (n === 1) return tf.squeeze(x, [axis]);
  // One split, not n slices (not unstack either: Unpack's gradient fails when one of its outputs gets no
  // gradient; every part here gets one): its gradient is one concat where the slices' were n pads and n − 1 adds.
  const parts = tf.split(x, n, axis).map((t) => tf.squeeze(t, [axis]));
  let p = parts[0]!;
  for (let i = 1; i < n; i++) p = tf.mul(p, parts[i]!);
  return p;
};

export const clip = (x: tf.Tensor, v: number) => (v > 0 ? tf.clipByValue(x, -v, v) : x);
