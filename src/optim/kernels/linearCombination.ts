import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { internalsUsable, registerOurKernel, runOurKernel, wasmSimdOf, type HostBackendView } from './internals';

/**
 * x·a + y·b element by element, or x·a + y²·b: every optimizer's moving average (β·m + (1 − β)·g, β2·v + (1 − β2)·g²,
 * Adam's undivided β·m + g). Op by op that is two or three multiplies and an add, each a kernel and a pass over the
 * tensor; on WASM one SIMD pass over the heap (lib/simd) computes the same float32 products and sum in the same order,
 * so the bits are the op path's (with b = 1 the op path has no multiply, and y·1 is y).
 */
const KERNEL = 'L4LabAxpby';

interface Attrs {
  a: number;
  b: number;
  square: boolean;
}

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  registerOurKernel<'wasm', Attrs>(KERNEL, 'wasm', (inputs, bk, { a, b, square }) => {
    const x = inputs.x as TensorInfo;
    const out = bk.makeOutput!([...x.shape], 'float32');
    const [xv, yv, ov] = [x, inputs.y as TensorInfo, out].map((t) => bk.typedArrayFromHeap!(t));
    wasmSimdOf(bk)!.axpby(xv!.byteOffset, a, yv!.byteOffset, b, square ? 1 : 0, ov!.byteOffset, xv!.length);
    return out;
  });
}

function fused(x: Tensor, y: Tensor): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    internalsUsable() &&
    x.dtype === 'float32' &&
    y.dtype === 'float32' &&
    tf.util.arraysEqual(x.shape, y.shape) &&
    wasmSimdOf(tf.backend() as unknown as HostBackendView) !== null
  );
}

/** x·a + y·b (y²·b with `square`), as `tf.add(tf.mul(x, a), tf.mul(y, b))` computes it (no multiply when b = 1). */
export function axpby(x: Tensor, a: number, y: Tensor, b: number, { square = false } = {}): Tensor {
  if (fused(x, y)) {
    register();
    return runOurKernel<Attrs, Tensor>(KERNEL, { x, y }, { a, b, square });
  }
  const ys = square ? tf.square(y) : y;
  return tf.add(tf.mul(x, a), b === 1 ? ys : tf.mul(ys, b));
}
