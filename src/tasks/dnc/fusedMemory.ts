/** Steps 7–11 for one write head on WASM and cpu in one kernel each way per block (see fused.ts). */
import * as tf from '@tensorflow/tfjs';
import { hostBlock } from './fused';
import { wasmCompute } from './wasm/blocks';

const MEMORY_FORWARD = 'L4LabDncMemoryLink';
const MEMORY_BACKWARD = 'L4LabDncMemoryLinkGrad';

/** Memory [B, N, W], link [B, N, N] and precedence [B, N] of one write head, each row flat after the other's. */
const memoryForward = wasmCompute('memoryForward', ['memory', 'ww', 'erase', 'add', 'link', 'precedence'], ({ memory }) => {
  const [B, N, W] = memory as [number, number, number];
  return { outputs: [[B, N * W + N * N + N]], args: [B, N, W] };
});

/** The gradients for the previous memory, the write weights, erase and add vectors, previous link and precedence. */
const memoryBackward = wasmCompute('memoryBackward', ['memory', 'ww', 'erase', 'add', 'link', 'precedence', 'dy'], ({ memory }) => {
  const [B, N, W] = memory as [number, number, number];
  return {
    outputs: [
      [B, N, W],
      [B, 1, N],
      [B, 1, W],
      [B, 1, W],
      [B, 1, N, N],
      [B, 1, N],
    ],
    args: [B, N, W],
  };
});

const MEMORY_INPUTS = ['memory', 'ww', 'erase', 'add', 'link', 'precedence'] as const;

const memoryLink = hostBlock(MEMORY_INPUTS, [MEMORY_FORWARD, memoryForward], [MEMORY_BACKWARD, memoryBackward]);

/**
 * Steps 7–8 for one write head in one kernel each way (check `fusedDncHere`): erase then add, the temporal link
 * (diagonal 0) and the precedence, from the previous memory [B, N, W], the write weights [B, 1, N], the erase and
 * write vectors [B, 1, W], the previous link [B, 1, N, N] and precedence [B, 1, N].
 */
export function fusedMemoryLink(
  memory: tf.Tensor3D,
  ww: tf.Tensor3D,
  erase: tf.Tensor3D,
  add: tf.Tensor3D,
  link: tf.Tensor4D,
  precedence: tf.Tensor3D,
): { memory: tf.Tensor3D; link: tf.Tensor4D; precedence: tf.Tensor3D } {
  const [B, N, W] = memory.shape;
  const [m, l, p] = tf.split(memoryLink(memory, ww, erase, add, link, precedence), [N * W, N * N, N], 1);
  return {
    memory: tf.reshape(m!, [B, N, W]) as tf.Tensor3D,
    link: tf.reshape(l!, [B, 1, N, N]) as tf.Tensor4D,
    precedence: tf.reshape(p!, [B, 1, N]) as tf.Tensor3D,
  };
}

const READ_FORWARD = 'L4LabDncRead';
const READ_BACKWARD = 'L4LabDncReadGrad';

/**
 * Per row: forward fw_ri = Σ_j r_rj·L_ij and backward bw_ri = Σ_j r_rj·L_ji, the read weights mb·bw + mf·fw + mc·c
 * (modes [backward, forward, content]) and the read words Σ_n rw_rn·M_n, flat: [rw, fw, bw (R·N each), words (R·W)].
 */
const readForward = wasmCompute('readForward', ['read', 'link', 'modes', 'content', 'memory'], ({ read, memory }) => {
  const [B, R, N] = read as [number, number, number];
  const W = memory![2]!;
  return { outputs: [[B, 3 * R * N + R * W]], args: [B, R, N, W] };
});

/** The gradients for the previous read weights, the link, the modes, the content weights and the memory. */
const readBackward = wasmCompute('readBackward', ['read', 'link', 'modes', 'content', 'memory', 'out', 'dy'], ({ read, memory }) => {
  const [B, R, N] = read as [number, number, number];
  const W = memory![2]!;
  return {
    outputs: [
      [B, R, N],
      [B, 1, N, N],
      [B, R, 3],
      [B, R, N],
      [B, N, W],
    ],
    scratch: N,
    args: [B, R, N, W],
  };
});

const readBlock = hostBlock(
  ['read', 'link', 'modes', 'content', 'memory'],
  [READ_FORWARD, readForward],
  [READ_BACKWARD, readBackward],
  true,
);

/**
 * Steps 9–11 for one write head in one kernel each way (check `fusedDncHere`): from the previous read weights
 * [B, R, N], the link [B, 1, N, N], the read modes [B, R, 3] (backward, forward, content), the read content weights
 * [B, R, N] and the memory [B, N, W]: the read weights, the forward and backward weights [B, R, 1, N] and the read
 * words [B, R, W].
 */
export function fusedRead(
  read: tf.Tensor3D,
  link: tf.Tensor4D,
  modes: tf.Tensor3D,
  content: tf.Tensor3D,
  memory: tf.Tensor3D,
): { readWeights: tf.Tensor3D; forward: tf.Tensor4D; backward: tf.Tensor4D; readWords: tf.Tensor3D } {
  const [B, R, N] = read.shape;
  const W = memory.shape[2];
  const [rw, fw, bw, words] = tf.split(readBlock(read, link, modes, content, memory), [R * N, R * N, R * N, R * W], 1);
  return {
    readWeights: tf.reshape(rw!, [B, R, N]) as tf.Tensor3D,
    forward: tf.reshape(fw!, [B, R, 1, N]) as tf.Tensor4D,
    backward: tf.reshape(bw!, [B, R, 1, N]) as tf.Tensor4D,
    readWords: tf.reshape(words!, [B, R, W]) as tf.Tensor3D,
  };
}
