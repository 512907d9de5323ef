import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { SfPlusScalars, SimdKernels } from '../../lib/simd/simd';
import type { Tensors } from '../types';
import { internalsUsable, readHostScalar, registerOurKernel, runOurKernel, wasmSimdOf, type HostBackendView } from './internals';

/**
 * ScheduleFree+'s step on WASM in two passes per tensor. Op by op (even with the one-pass `axpby` and `ratio`) it is
 * z − x, the inner product, both moments, the Adam ratio, z, x and y, and y − y_new: eight passes and eight kernels
 * per tensor, over four state tensors (1.15–1.20× Adam's step on the MNIST MLP, where Adam keeps two). Here the
 * inner product ⟨g, z − x⟩ and ‖g‖₁ are one kernel for every tensor (z − x is never written), and the moments, z, x
 * and the update y − y_new one kernel per tensor that reads each input once and writes each output once. Both
 * compute the op path's float32 operations in its order, so the bits are those of the path they replace.
 */
const SUMS = 'L4LabSfPlusSums';
const STEP = 'L4LabSfPlusStep';

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  // Inputs g0…, z0…, x0… (n of each): Σ_i Σ g_i·(z_i − x_i) and Σ_i Σ |g_i|, summed tensor by tensor as hostDots.
  registerOurKernel<'wasm', { n: number }>(SUMS, 'wasm', (inputs, bk, { n }) => {
    const simd = wasmSimdOf(bk)!;
    const outs = [bk.makeOutput!([], 'float32'), bk.makeOutput!([], 'float32')];
    const at = (name: string) => bk.typedArrayFromHeap!(inputs[name] as TensorInfo);
    let [dot, l1] = [0, 0];
    for (let i = 0; i < n; i++) {
      const g = at(`g${i}`);
      dot += simd.dotDiff(g.byteOffset, at(`z${i}`).byteOffset, at(`x${i}`).byteOffset, g.length);
      l1 += simd.absSum(g.byteOffset, g.length);
    }
    bk.typedArrayFromHeap!(outs[0]!)[0] = dot;
    bk.typedArrayFromHeap!(outs[1]!)[0] = l1;
    return outs;
  });
  registerOurKernel<'wasm', { scalars: SfPlusScalars; hasDecay: boolean }>(STEP, 'wasm', (inputs, bk, { scalars, hasDecay }) => {
    const y = inputs.y as TensorInfo;
    // Allocate every output before taking any view: an allocation may move the heap.
    const outs = [0, 1, 2, 3, 4].map(() => bk.makeOutput!([...y.shape], 'float32'));
    const views = [...['y', 'z', 'x', 'm', 'v', 'g'].map((k) => inputs[k] as TensorInfo), ...outs].map((t) => bk.typedArrayFromHeap!(t));
    const pointers = views.map((a) => a.byteOffset);
    wasmSimdOf(bk)!.sfPlusStep(...([...pointers, ...scalars, hasDecay ? 1 : 0, views[0]!.length] as Parameters<SimdKernels['sfPlusStep']>));
    return outs;
  });
}

let allowed = true;

/** Tests only: run ScheduleFree+ op by op (false) with every other kernel of ours, to compare the two paths. */
export function allowSfPlusFused(v: boolean): void {
  allowed = v;
}

/** Whether the one-pass step runs here: WASM with SIMD, float32 tensors (each under 2^24 values). */
export function sfPlusFused(params: Tensors): boolean {
  return (
    allowed &&
    tf.getBackend() === 'wasm' &&
    internalsUsable() &&
    wasmSimdOf(tf.backend() as unknown as HostBackendView) !== null &&
    params.every((p) => p.dtype === 'float32' && p.size < 2 ** 24)
  );
}

/** [⟨g, z − x⟩, ‖g‖₁] as float32 scalars, as `parameterSums` of g with z − x and of |g| gives them (check `sfPlusFused`). */
export function sfPlusSums(g: Tensors, z: Tensors, x: Tensors): [Scalar, Scalar] {
  register();
  const inputs: Record<string, Tensor> = {};
  g.forEach((t, i) => Object.assign(inputs, { [`g${i}`]: t, [`z${i}`]: z[i]!, [`x${i}`]: x[i]! }));
  return runOurKernel<{ n: number }, [Scalar, Scalar]>(SUMS, inputs, { n: g.length });
}

/** One tensor's step. The coefficients are numbers or scalars in host memory (on WASM they are). */
export interface SfPlusCoefficients {
  readonly beta1: number;
  readonly beta2: number;
  /** ε as it sits beside √v (ε·√bc2). */
  readonly epsilon: number;
  /** −η·√bc2/bc1, the step on the Adam ratio. */
  readonly minusEta: Scalar;
  /** −η²·λ (AdamC's decay of z towards y), or null without weight decay. */
  readonly minusDecay: Scalar | null;
  /** The averaging weight c and 1 − c. */
  readonly c: Scalar;
  readonly keep: Scalar;
  /** The interpolation β of y = β·x + (1 − β)·z. */
  readonly beta: number;
}

/** The new z, x, m, v and the update y − y_new of one tensor (check `sfPlusFused`). */
export function sfPlusStep(
  t: { y: Tensor; z: Tensor; x: Tensor; m: Tensor; v: Tensor; g: Tensor },
  k: SfPlusCoefficients,
): [z: Tensor, x: Tensor, m: Tensor, v: Tensor, u: Tensor] {
  register();
  const host = (s: Scalar) => readHostScalar(s)!;
  const scalars: SfPlusScalars = [
    k.beta1,
    1 - k.beta1,
    k.beta2,
    1 - k.beta2,
    k.epsilon,
    host(k.minusEta),
    k.minusDecay === null ? 0 : host(k.minusDecay),
    host(k.keep),
    host(k.c),
    k.beta,
    1 - k.beta,
  ];
  return runOurKernel<object, [Tensor, Tensor, Tensor, Tensor, Tensor]>(STEP, t, { scalars, hasDecay: k.minusDecay !== null });
}
