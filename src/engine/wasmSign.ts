/**
 * Sign for tfjs's WASM backend as a loop over the backend's own memory.
 *
 * Why: tfjs-backend-wasm 4.22's Sign kernel took 1.54 ms of Lion's 7.2 ms MNIST step for its six tensors (266,610
 * values; `tf.profile` on this machine), nearly four times all 36 of its multiplies together: its loop branches
 * per value, and with random signs half the branches are mispredicted (1.37 ms for a [784, 300] tensor, against
 * 0.05 ms for a multiply). This loop reads the input and writes the output on the wasm heap (no copy), branch-free,
 * with the stock kernel's semantics: 1 above 0, −1 below, 0 for ±0 and NaN. Lion and Cautious Lion take the sign of
 * every parameter every step. Upstream would need the kernel written branch-free (or with SIMD).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

let registered = false;

/**
 * Greater against a scalar (`x > s`, the cautious mask `v·g > 0`) the same way: the stock kernel branches per value
 * too (1.09 ms for [784, 300]). Other shapes keep the stock kernel and its broadcasting.
 */
function registerWasmGreaterScalar(): void {
  const stock = tf.getKernel('Greater', 'wasm');
  if (!stock) throw new Error('The WASM backend is not loaded: import @tensorflow/tfjs-backend-wasm first.');
  const stockFunc = stock.kernelFunc as unknown as (a: object) => tf.TensorInfo;
  tf.unregisterKernel('Greater', 'wasm');
  tf.registerKernel({
    kernelName: 'Greater',
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm }) => {
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const size = (t: tf.TensorInfo) => t.shape.reduce((p, d) => p * d, 1);
      if (a.dtype !== 'float32' || b.dtype !== 'float32' || size(b) !== 1) return stockFunc({ inputs, backend });
      const s = (backend.typedArrayFromHeap(b) as Float32Array)[0]!;
      const out = backend.makeOutput([...a.shape], 'bool');
      const src = backend.typedArrayFromHeap(a) as Float32Array;
      const dst = backend.typedArrayFromHeap(out) as Uint8Array;
      for (let i = 0; i < src.length; i++) dst[i] = Number(src[i]! > s);
      return out;
    }) as unknown as tf.KernelFunc,
  });
}

export function registerWasmSign(): void {
  if (registered) return;
  const stock = tf.getKernel('Sign', 'wasm');
  if (!stock) throw new Error('The WASM backend is not loaded: import @tensorflow/tfjs-backend-wasm first.');
  tf.unregisterKernel('Sign', 'wasm');
  tf.registerKernel({
    kernelName: 'Sign',
    backendName: 'wasm',
    // The stock kernel's set-up, for the dtypes it still runs.
    setupFunc: stock.setupFunc,
    kernelFunc: (({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm }) => {
      const x = inputs.x!;
      if (x.dtype !== 'float32') return (stock.kernelFunc as unknown as (a: object) => tf.TensorInfo)({ inputs, backend });
      const out = backend.makeOutput([...x.shape], 'float32');
      const src = backend.typedArrayFromHeap(x) as Float32Array;
      const dst = backend.typedArrayFromHeap(out) as Float32Array;
      // Branch-free: with random signs a branching loop (or Math.sign) mispredicts half the time, 1.2 ms against
      // 0.22 ms for these 235,200 values in Node 20. NaN and ±0 compare false both ways: 0.
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        dst[i] = Number(v > 0) - Number(v < 0);
      }
      return out;
    }) as unknown as tf.KernelFunc,
  });
  registerWasmGreaterScalar();
  registered = true;
}
