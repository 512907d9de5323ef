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
function replaceWasmKernel<R extends tf.TensorInfo | tf.TensorInfo[]>(
  name: string,
  fast: (inputs: Inputs, backend: BackendWasm, attrs: tf.NamedAttrMap) => R | null,
): void {
  const stock = tf.getKernel(name, 'wasm');
  if (!stock) throw new Error('The WASM backend is not loaded: import @tensorflow/tfjs-backend-wasm first.');
  const stockFunc = stock.kernelFunc as unknown as (a: object) => R;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (({ inputs, backend, attrs }: { inputs: Inputs; backend: BackendWasm; attrs: tf.NamedAttrMap }) =>
      fast(inputs, backend, attrs) ?? stockFunc({ inputs, backend, attrs })) as unknown as tf.KernelFunc,
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

/**
 * Slice of a numeric tensor, read through a view of the heap. The stock kernel copies the whole input out of the heap
 * (`readSync`) before it takes its part, so a SplitV into k parts copies its input k times: the DNC's 63 splits a
 * training step took 2.9 ms of its 37 (`tf.profile`). Strings keep the stock kernel.
 */
function slice(inputs: Inputs, backend: BackendWasm, attrs: tf.NamedAttrMap): tf.TensorInfo | null {
  const x = inputs.x!;
  if (x.dtype === 'string') return null;
  const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]) as [number[], number[]];
  return sliceOf(x, begin, size, backend);
}

/** The part of x at `begin` of `size` (both full length), from views of the heap taken after the output exists. */
function sliceOf(x: tf.TensorInfo, begin: number[], size: number[], backend: BackendWasm): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views after makeOutput: a new output can grow the heap, which detaches views taken before it.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const from = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(from, from + dst.length));
    return out;
  }
  // Runs of the last axis, one per index of the leading axes (odometer over them).
  const rank = x.shape.length;
  const run = size[rank - 1]!;
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let at = 0; at < dst.length; at += run) {
    let from = begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) from += (begin[d]! + index[d]!) * strides[d]!;
    if (run > 32) dst.set(src.subarray(from, from + run), at);
    else for (let i = 0; i < run; i++) dst[at + i] = src[from + i]!;
    for (let d = rank - 2; d >= 0 && ++index[d]! === size[d]!; d--) index[d] = 0;
  }
  return out;
}

/** SplitV through `sliceOf`: the parts along the axis, in order (the stock kernel slices with its copying Slice). */
function splitV(inputs: Inputs, backend: BackendWasm, attrs: tf.NamedAttrMap): tf.TensorInfo[] | null {
  const x = inputs.x!;
  if (x.dtype === 'string') return null;
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number[] | number, axis);
  const begin = x.shape.map(() => 0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = sliceOf(x, [...begin], size, backend);
    begin[axis]! += s;
    return part;
  });
}

let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  replaceWasmKernel('Sign', sign);
  replaceWasmKernel('Greater', greaterScalar);
  replaceWasmKernel('Sqrt', sqrt);
  replaceWasmKernel('Slice', slice);
  replaceWasmKernel('SplitV', splitV);
  registered = true;
}
