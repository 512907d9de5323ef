/**
 * Sign, Greater against a scalar and Sqrt for tfjs's WASM backend as loops over the backend's own memory.
 *
 * Why: tfjs-backend-wasm 4.22's Sign kernel took 1.54 ms of Lion's 7.2 ms MNIST step for its six tensors (266,610
 * values; `tf.profile` on this machine), nearly four times all 36 of its multiplies together: its loop branches
 * per value, and with random signs half the branches are mispredicted (1.37 ms for a [784, 300] tensor, against
 * 0.05 ms for a multiply); Greater likewise. Its Sqrt calls the square root one value at a time (0.38 ms of Adam's
 * 1.47 ms optimizer step, for its six tensors). These read the input and write the output on the wasm heap (no copy),
 * with the stock kernels' semantics (Sign: 1 above 0, −1 below, 0 for ±0 and NaN; Sqrt: correctly rounded, NaN below
 * 0), by SIMD loops (lib/simd) where WebAssembly SIMD runs, else Sign and Greater by branch-free loops here and Sqrt
 * by the stock kernel. Upstream would need the kernels written branch-free and with SIMD.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmSimdOf, type HostBackendView } from '../optim/kernels/internals';

type Inputs = tf.NamedTensorInfoMap;

/** The SIMD loops over the backend's heap (lib/simd: 0.045 ms for that Sign, bit for bit the loops below), or null. */
const simdOf = (backend: BackendWasm) => wasmSimdOf(backend as unknown as HostBackendView);

/**
 * Puts `fast` in front of WASM's stock kernel `name`: it answers the inputs it handles, null hands them to the stock
 * kernel (whose set-up is kept for that).
 */
function replaceWasmKernel(name: string, fast: (inputs: Inputs, backend: BackendWasm) => tf.TensorInfo | null): void {
  const stock = tf.getKernel(name, 'wasm');
  if (!stock) throw new Error('The WASM backend is not loaded: import @tensorflow/tfjs-backend-wasm first.');
  const stockFunc = stock.kernelFunc as unknown as (a: object) => tf.TensorInfo;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (({ inputs, backend }: { inputs: Inputs; backend: BackendWasm }) =>
      fast(inputs, backend) ?? stockFunc({ inputs, backend })) as unknown as tf.KernelFunc,
  });
}

/** Sign of float32 values, branch-free; other dtypes keep the stock kernel. */
function sign(inputs: Inputs, backend: BackendWasm): tf.TensorInfo | null {
  const x = inputs.x!;
  if (x.dtype !== 'float32') return null;
  const out = backend.makeOutput([...x.shape], 'float32');
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const simd = simdOf(backend);
  if (simd) {
    simd.sign(src.byteOffset, dst.byteOffset, src.length);
    return out;
  }
  // Branch-free: with random signs a branching loop (or Math.sign) mispredicts half the time, 1.2 ms against
  // 0.22 ms for these 235,200 values in Node 20. NaN and ±0 compare false both ways: 0.
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    dst[i] = Number(v > 0) - Number(v < 0);
  }
  return out;
}

/**
 * Greater against a scalar (`x > s`, the cautious mask `v·g > 0`) the same way: the stock kernel branches per value
 * too (1.09 ms for [784, 300]). Other shapes keep the stock kernel and its broadcasting.
 */
function greaterScalar(inputs: Inputs, backend: BackendWasm): tf.TensorInfo | null {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || b.shape.reduce((p, d) => p * d, 1) !== 1) return null;
  const s = (backend.typedArrayFromHeap(b) as Float32Array)[0]!;
  const out = backend.makeOutput([...a.shape], 'bool');
  const src = backend.typedArrayFromHeap(a) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Uint8Array;
  const simd = simdOf(backend);
  if (simd) {
    simd.greaterScalar(src.byteOffset, s, dst.byteOffset, src.length);
    return out;
  }
  for (let i = 0; i < src.length; i++) dst[i] = Number(src[i]! > s);
  return out;
}

/** Sqrt of float32 values, four at a time; without SIMD (or for other dtypes) the stock kernel. */
function sqrt(inputs: Inputs, backend: BackendWasm): tf.TensorInfo | null {
  const x = inputs.x!;
  const simd = simdOf(backend);
  if (x.dtype !== 'float32' || !simd) return null;
  const out = backend.makeOutput([...x.shape], 'float32');
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  simd.sqrt(src.byteOffset, (backend.typedArrayFromHeap(out) as Float32Array).byteOffset, src.length);
  return out;
}

let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  replaceWasmKernel('Sign', sign);
  replaceWasmKernel('Greater', greaterScalar);
  replaceWasmKernel('Sqrt', sqrt);
  registered = true;
}
