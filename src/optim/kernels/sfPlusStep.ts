import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { SfPlusScalars, SimdKernels } from '../../lib/simd/simd';
import type { Tensors } from '../types';
import { internalsUsable, readHostScalar, registerOurKernel, runOurKernel, wasmSimdOf, type HostBackendView } from './internals';

/**
 * ScheduleFree+'s step on WASM in two passes. Op by op (even with the one-pass `axpby` and `ratio`) it is z − x, the
 * inner product, both moments, the Adam ratio, z, x and y, y − y_new and the update's norm: nine passes and eight
 * kernels per tensor over four state tensors (1.15–1.20× Adam's step on the MNIST MLP, where Adam keeps two). Here
 * one kernel reads g, z and x once for ⟨g, z − x⟩ and ‖g‖₁ (z − x is never written), and one more reads every input
 * once and writes every output once for the moments, z, x, the step y_new − y and its ‖·‖², for all tensors. Both
 * compute the op path's float32 operations in its order and the host dots' float64 sums in theirs, so the bits are
 * those of the path they replace.
 */
const SUMS = 'L4LabSfPlusSums';
const STEP = 'L4LabSfPlusStep';
const STATE = ['y', 'z', 'x', 'm', 'v', 'g'] as const;

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
      const [d, a] = simd.dotDiffAbs(g.byteOffset, at(`z${i}`).byteOffset, at(`x${i}`).byteOffset, g.length);
      dot += d;
      l1 += a;
    }
    bk.typedArrayFromHeap!(outs[0]!)[0] = dot;
    bk.typedArrayFromHeap!(outs[1]!)[0] = l1;
    return outs;
  });
  // Inputs y0…, z0…, x0…, m0…, v0…, g0…; outputs z'…, x'…, m'…, v'…, the steps (n of each), then Σ_i ‖step_i‖².
  registerOurKernel<'wasm', { n: number; scalars: SfPlusScalars; hasDecay: boolean }>(
    STEP,
    'wasm',
    (inputs, bk, { n, scalars, hasDecay }) => {
      const info = (name: string) => inputs[name] as TensorInfo;
      // Allocate every output before taking any view: an allocation may move the heap.
      const outs = [0, 1, 2, 3, 4].flatMap(() => Array.from({ length: n }, (_, i) => bk.makeOutput!([...info(`y${i}`).shape], 'float32')));
      const norm = bk.makeOutput!([], 'float32');
      const simd = wasmSimdOf(bk)!;
      let uu = 0;
      for (let i = 0; i < n; i++) {
        const views = [...STATE.map((k) => info(`${k}${i}`)), ...[0, 1, 2, 3, 4].map((j) => outs[j * n + i]!)].map((t) =>
          bk.typedArrayFromHeap!(t),
        );
        const pointers = views.map((a) => a.byteOffset);
        uu += simd.sfPlusStep(...([...pointers, ...scalars, hasDecay ? 1 : 0, views[0]!.length] as Parameters<SimdKernels['sfPlusStep']>));
      }
      bk.typedArrayFromHeap!(norm)[0] = uu;
      return [...outs, norm];
    },
  );
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

/** Every tensor's new z, x, m, v and step y_new − y, and Σ ‖step‖² (check `sfPlusFused`). */
export function sfPlusStep(
  t: Record<(typeof STATE)[number], Tensors>,
  k: SfPlusCoefficients,
): { z: Tensors; x: Tensors; m: Tensors; v: Tensors; step: Tensors; stepNormSq: Scalar } {
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
  const n = t.y.length;
  const inputs: Record<string, Tensor> = {};
  for (const key of STATE) t[key].forEach((x, i) => (inputs[`${key}${i}`] = x));
  const out = runOurKernel<object, Tensor[]>(STEP, inputs, { n, scalars, hasDecay: k.minusDecay !== null });
  const part = (j: number) => out.slice(j * n, (j + 1) * n);
  return { z: part(0), x: part(1), m: part(2), v: part(3), step: part(4), stepNormSq: out[5 * n] as Scalar };
}
