/** Usage, allocation and the write weights of one write head on WASM and cpu in one kernel each way (see fused.ts). */
import * as tf from '@tensorflow/tfjs';
import { hostBlock } from './fused';
import { wasmCompute } from './wasm/blocks';

const WRITE_FORWARD = 'L4LabDncWrite';
const WRITE_BACKWARD = 'L4LabDncWriteGrad';
/** Scratch for one row's quantities (wasm/write.as.ts): eight N-vectors and N·N bytes. */
const rowScratch = (N: number) => 8 * N + ((N * N + 7) >> 3);

/** [usage, allocation, write weights] side by side, [B, 3N] (wasm/write.as.ts). */
const writeForward = wasmCompute('writeForward', ['pw', 'u0', 'free', 'read', 'ga', 'gw', 'content'], ({ u0, free }) => {
  const [B, N] = u0 as [number, number];
  return { outputs: [[B, 3 * N]], scratch: rowScratch(N), args: [B, N, free![1]!] };
});

/** The gradients for every input (the previous write weights' is 0: a stop-gradient), given d[usage, alloc, ww]. */
const writeBackward = wasmCompute('writeBackward', ['pw', 'u0', 'free', 'read', 'ga', 'gw', 'content', 'dy'], ({ u0, free }) => {
  const [B, N] = u0 as [number, number];
  const R = free![1]!;
  return {
    outputs: [
      [B, 1, N],
      [B, N],
      [B, R],
      [B, R, N],
      [B, 1],
      [B, 1],
      [B, 1, N],
    ],
    scratch: rowScratch(N) + 2 * N,
    args: [B, N, R],
  };
});

const WRITE_INPUTS = ['pw', 'u0', 'free', 'read', 'ga', 'gw', 'content'] as const;

const writeHead = hostBlock(WRITE_INPUTS, [WRITE_FORWARD, writeForward], [WRITE_BACKWARD, writeBackward]);

/**
 * Steps 3–6 for one write head in one kernel each way (check `fusedDncHere`): from the previous write weights
 * [B, 1, N] (a constant: deepmind's stop-gradient), usage [B, N] and read weights [B, R, N], the free gates [B, R],
 * the allocation and write gates [B, 1] and the write content weights [B, 1, N], the usage [B, N], the allocation
 * weights and the write weights [B, 1, N].
 */
export function fusedWriteHead(
  prevWrite: tf.Tensor3D,
  prevUsage: tf.Tensor2D,
  freeGate: tf.Tensor2D,
  prevRead: tf.Tensor3D,
  allocGate: tf.Tensor2D,
  writeGate: tf.Tensor2D,
  writeContent: tf.Tensor3D,
): { usage: tf.Tensor2D; allocation: tf.Tensor3D; writeWeights: tf.Tensor3D } {
  const [B, N] = prevUsage.shape;
  const [usage, allocation, ww] = tf.split(writeHead(prevWrite, prevUsage, freeGate, prevRead, allocGate, writeGate, writeContent), 3, 1);
  return {
    usage: usage as tf.Tensor2D,
    allocation: tf.reshape(allocation!, [B, 1, N]) as tf.Tensor3D,
    writeWeights: tf.reshape(ww!, [B, 1, N]) as tf.Tensor3D,
  };
}
