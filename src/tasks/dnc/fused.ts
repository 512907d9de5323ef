/**
 * The DNC's blocks as one kernel forward and one backward each on the backends that keep tensors in host memory
 * (WASM, cpu): the machinery they share. Op by op a block is tens of kernels each way, each on tensors of a few hundred
 * values, where tfjs spends its time in the bookkeeping around a kernel rather than in it (a training step at
 * train.py's sizes ran 3,201 kernels; fused 807). A block's values are read once, computed in float64 and written
 * back as float32, by a WebAssembly module of their own (wasm/blocks.ts) on both backends; elsewhere (WebGL, WebGPU)
 * the ops run (ops.ts, step.ts). Inputs are read with the backends' `readSync` (cpu) or as views of the heap (WASM),
 * outputs made with cpu's `makeTensorInfo` or written on WASM's heap. The blocks: fusedContent.ts, fusedLstm.ts,
 * fusedWrite.ts, fusedMemory.ts; their arithmetic in wasm/*.as.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { dncBlocksHere } from './wasm/blocks';

const HOST_BACKENDS = ['cpu', 'wasm'] as const;

/** The part of the host backends used here: reading a tensor (both), making one (cpu; WASM allocates on its heap). */
interface HostBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
  makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap?(t: tf.TensorInfo): Float32Array;
}

/** A new float32 tensor of `shape` holding `values` (rounded from float64). */
function output(bk: HostBackend, shape: number[], values: Float64Array): tf.TensorInfo {
  if (bk.makeOutput && bk.typedArrayFromHeap) {
    const out = bk.makeOutput(shape, 'float32');
    bk.typedArrayFromHeap(out).set(values);
    return out;
  }
  return bk.makeTensorInfo!(shape, 'float32', Float32Array.from(values));
}

let enabled = true;
/** Tests only: run the DNC's blocks op by op everywhere (false), to hold the kernels to the ops. */
export function setFusedDnc(on: boolean): void {
  enabled = on;
}

/** Whether the fused blocks run on the active backend (and their WebAssembly module here). */
export function fusedDncHere(): boolean {
  return enabled && (HOST_BACKENDS as readonly string[]).includes(tf.getBackend()) && dncBlocksHere();
}

/** A kernel on the host backends: the inputs' values (read once), their shapes and the attributes in; outputs out. */
export type HostCompute = (
  values: Record<string, ArrayLike<number>>,
  shapes: Record<string, readonly number[]>,
  attrs: Record<string, number>,
) => { shape: number[]; values: Float64Array }[];

const registered = new Set<string>();
/** Registers `compute` as `name` on cpu and WASM (once) and runs it on the active backend. */
export function runHostKernel(
  name: string,
  compute: HostCompute,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, number> = {},
): tf.Tensor[] {
  if (!registered.has(name)) {
    registered.add(name);
    for (const backendName of HOST_BACKENDS)
      tf.registerKernel({
        kernelName: name,
        backendName,
        kernelFunc: ({ inputs: given, backend, attrs: a }) => {
          const bk = backend as unknown as HostBackend;
          const infos = given as Record<string, tf.TensorInfo>;
          // On WASM views of the heap (readSync copies); nothing is allocated there until `compute` has returned.
          const read = (t: tf.TensorInfo) => (bk.typedArrayFromHeap ? bk.typedArrayFromHeap(t) : bk.readSync(t.dataId));
          const values = Object.fromEntries(Object.entries(infos).map(([k, t]) => [k, read(t)]));
          const shapes = Object.fromEntries(Object.entries(infos).map(([k, t]) => [k, t.shape]));
          return compute(values, shapes, a as Record<string, number>).map((o) => output(bk, o.shape, o.values));
        },
      });
  }
  return tf.engine().runKernel(name, inputs, attrs) as unknown as tf.Tensor[];
}

type CustomGradient = Parameters<typeof tf.customGrad>[0];

/**
 * A custom gradient over named inputs whose forward and backward are host kernels (one output, flat). With
 * `withOutput` the backward kernel also gets the forward's output, as `out`, rather than computing it again.
 */
export function hostBlock(
  names: readonly string[],
  forward: [string, HostCompute],
  backward: [string, HostCompute],
  withOutput = false,
  attrs: Record<string, number> = {},
) {
  return tf.customGrad(((...args: unknown[]) => {
    const xs = args.slice(0, names.length) as tf.Tensor[];
    const value = runHostKernel(forward[0], forward[1], named(xs), attrs)[0]!;
    (args[names.length] as (ts: tf.Tensor[]) => void)(withOutput ? [...xs, value] : xs);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        runHostKernel(backward[0], backward[1], { ...named(saved), ...(withOutput ? { out: saved[names.length]! } : {}), dy }, attrs),
    };
  }) as unknown as CustomGradient) as (...xs: tf.Tensor[]) => tf.Tensor;
  function named(ts: tf.Tensor[]) {
    return Object.fromEntries(names.map((k, i) => [k, ts[i]!]));
  }
}
