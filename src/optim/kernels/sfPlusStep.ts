import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { SfPlusScalars, SimdKernels } from '../../lib/simd/simd';
import type { Tensors } from '../types';
import { internalsUsable, readHostScalar, registerOurKernel, runOurKernel, wasmSimdOf, type HostBackendView } from './internals';

/**
 * ScheduleFree+'s step on WASM in one pass. Op by op (even with the one-pass `axpby` and `ratioStep`) it is both
 * moments, the step y_new − y, the new w from it, and the update's norm: five passes and four kernels per tensor.
 * Here one kernel reads every input once and writes every output once, for all tensors, computing the op path's
 * float32 operations in its order and the update's ‖·‖² as the host dots sum it, so the bits are those of the path
 * it replaces. (⟨g, w⟩ and ‖g‖₁ are the host dots' one pass: `parameterSums`.)
 */
const STEP = 'L4LabSfPlusStep';
const STATE = ['y', 'w', 'm', 'v', 'g'] as const;

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  // Inputs y0…, w0…, m0…, v0…, g0…; outputs w'…, m'…, v'…, the steps (n of each), then Σ_i ‖step_i‖².
  registerOurKernel<'wasm', { n: number; scalars: SfPlusScalars; hasDecay: boolean }>(
    STEP,
    'wasm',
    (inputs, bk, { n, scalars, hasDecay }) => {
      const info = (name: string) => inputs[name] as TensorInfo;
      // Allocate every output before taking any view: an allocation may move the heap.
      const outs = [0, 1, 2, 3].flatMap(() => Array.from({ length: n }, (_, i) => bk.makeOutput!([...info(`y${i}`).shape], 'float32')));
      const norm = bk.makeOutput!([], 'float32');
      const simd = wasmSimdOf(bk)!;
      let uu = 0;
      for (let i = 0; i < n; i++) {
        const views = [...STATE.map((k) => info(`${k}${i}`)), ...[0, 1, 2, 3].map((j) => outs[j * n + i]!)].map((t) =>
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

/** The coefficients of one step (peers/scheduleFreePlus.ts says what each is); scalars in host memory on WASM. */
export interface SfPlusCoefficients {
  readonly beta1: number;
  readonly beta2: number;
  /** ε as it sits beside √v (ε·√bc2). */
  readonly epsilon: number;
  /** Whether AdamC's decay is on (the decay coefficients are then used). */
  readonly hasDecay: boolean;
  /** w_new = wKeep·w + wStep·step (the step as computed, in float32). */
  readonly wKeep: Scalar;
  readonly wStep: Scalar;
  /** The step y_new − y = sRatio·m/(√v + ε) + (sDecay·y + sKeep·w). */
  readonly sKeep: Scalar;
  readonly sRatio: Scalar;
  readonly sDecay: Scalar;
}

/** Every tensor's new w, m, v and step y_new − y, and Σ ‖step‖² (check `sfPlusFused`). */
export function sfPlusStep(
  t: Record<(typeof STATE)[number], Tensors>,
  k: SfPlusCoefficients,
): { w: Tensors; m: Tensors; v: Tensors; step: Tensors; stepNormSq: Scalar } {
  register();
  const host = (s: Scalar) => readHostScalar(s)!;
  const scalars: SfPlusScalars = [
    k.beta1,
    1 - k.beta1,
    k.beta2,
    1 - k.beta2,
    k.epsilon,
    host(k.wKeep),
    host(k.wStep),
    host(k.sRatio),
    host(k.sDecay),
    host(k.sKeep),
  ];
  const n = t.y.length;
  const inputs: Record<string, Tensor> = {};
  for (const key of STATE) t[key].forEach((x, i) => (inputs[`${key}${i}`] = x));
  const out = runOurKernel<object, Tensor[]>(STEP, inputs, { n, scalars, hasDecay: k.hasDecay });
  const part = (j: number) => out.slice(j * n, (j + 1) * n);
  return { w: part(0), m: part(1), v: part(2), step: part(3), stepNormSq: out[4 * n] as Scalar };
}
