/** Content addressing C(M, k, s) on WASM and cpu in one kernel each way (see fused.ts). */
import * as tf from '@tensorflow/tfjs';
import { hostBlock } from './fused';
import { wasmCompute } from './wasm/blocks';

const FORWARD = 'L4LabDncContent';
const BACKWARD = 'L4LabDncContentGrad';

/** C(M, k, s) [B, K, N] (wasm/content.as.ts). */
const contentForward = wasmCompute('contentForward', ['memory', 'keys', 'strengths'], ({ memory, keys }) => {
  const [B, N, W] = memory as [number, number, number];
  const K = keys![1]!;
  return { outputs: [[B, K, N]], scratch: B * N + 2 * B * K + B * K * N, args: [B, N, K, W] };
});

/** The gradients of C(M, k, s) for M, k and s, given dy [B, K, N]. */
const contentBackward = wasmCompute('contentBackward', ['memory', 'keys', 'strengths', 'dy'], ({ memory, keys }) => {
  const [B, N, W] = memory as [number, number, number];
  const K = keys![1]!;
  return {
    outputs: [
      [B, N, W],
      [B, K, W],
      [B, K],
    ],
    scratch: 2 * B * N + 2 * B * K + 2 * B * K * N + N,
    args: [B, N, K, W],
  };
});

const content = hostBlock(['memory', 'keys', 'strengths'], [FORWARD, contentForward], [BACKWARD, contentBackward]);

/**
 * Content weights C(M, k, s) [B, K, N] as ops.ts `contentWeights` defines them, in one kernel each way (check
 * `fusedDncHere`): memory [B, N, W], keys [B, K, W], strengths [B, K].
 */
export function fusedContentWeights(memory: tf.Tensor3D, keys: tf.Tensor3D, strengths: tf.Tensor2D): tf.Tensor3D {
  return content(memory, keys, strengths) as tf.Tensor3D;
}
