import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tensors } from '../types';
import { pairInputs, pairsFromInputs, type DotsAttrs, type SumKind } from './gpuGroups';
import { hostValues, internalsUsable, registerOurKernel, runOurKernel, wasmSimdOf, type HostBackendView } from './internals';

/**
 * Several inner products of parameter lists, Σ_i sum(a_i ⊙ b_i) for each pair (a, b) (or Σ_i sum(|a_i|)), on
 * WASM and cpu, whose tensors live in host memory: one pass over the values in place, every pair summed at
 * once (L4Adam's gᵀv and ‖v‖² read v once), four running sums per pair in float64, then scaled and rounded to
 * float32. Op by op each pair costs a multiply (writing a product as large as the parameters) and a reduction
 * per tensor, plus an addN: on WASM 0.48 ms for the two sums over the MNIST MLP's first layer, against 0.15 ms
 * here; on the ~6.5 ms step that XNNPACK's products leave, that was most of L4's cost over Adam. The sums are
 * more accurate than float32 reductions, not less.
 */
const HOST_DOTS = 'L4LabHostDots';

type HostName = 'wasm' | 'cpu';

/** Σ a ⊙ b over one tensor, in float64 with four running sums (so the loop does not wait on one addition). */
function dotOf(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  const m = n & ~3;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < m; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (let i = m; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

/** Σ a ⊙ v and Σ v ⊙ v over one tensor, v read once (L4's gᵀv with ‖v‖²; Adam's ‖v‖² alone is dotOf(v, v)). */
function dotAndSquareOf(a: Float32Array, v: Float32Array): [number, number] {
  const n = a.length;
  const m = n & ~3;
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  let q0 = 0;
  let q1 = 0;
  let q2 = 0;
  let q3 = 0;
  for (let i = 0; i < m; i += 4) {
    const v0 = v[i]!;
    const v1 = v[i + 1]!;
    const v2 = v[i + 2]!;
    const v3 = v[i + 3]!;
    p0 += a[i]! * v0;
    p1 += a[i + 1]! * v1;
    p2 += a[i + 2]! * v2;
    p3 += a[i + 3]! * v3;
    q0 += v0 * v0;
    q1 += v1 * v1;
    q2 += v2 * v2;
    q3 += v3 * v3;
  }
  for (let i = m; i < n; i++) {
    p0 += a[i]! * v[i]!;
    q0 += v[i]! * v[i]!;
  }
  return [p0 + p1 + p2 + p3, q0 + q1 + q2 + q3];
}

/** How many a_j·b_j > 0 (float32 products, as the op path's multiply and compare); with `signOfA`, sign(a_j)·b_j > 0. */
function agreeOf(a: Float32Array, b: Float32Array, signOfA = false): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.fround((signOfA ? Math.sign(a[i]!) : a[i]!) * b[i]!) > 0) n++;
  return n;
}

/**
 * Σ |a| over one tensor, with four running sums as dotOf. Finite exactly when every value is (a float32 value is at
 * most 3.4e38, and fewer than 2^52 of them cannot overflow a float64 sum): the skip guard's check on cpu uses it.
 */
export function absSumOf(a: ArrayLike<number>): number {
  const n = a.length;
  const m = n & ~3;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < m; i += 4) {
    s0 += Math.abs(a[i]!);
    s1 += Math.abs(a[i + 1]!);
    s2 += Math.abs(a[i + 2]!);
    s3 += Math.abs(a[i + 3]!);
  }
  for (let i = m; i < n; i++) s0 += Math.abs(a[i]!);
  return s0 + s1 + s2 + s3;
}

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['wasm', 'cpu'] as const)
    registerOurKernel<HostName, DotsAttrs>(HOST_DOTS, backendName, (inputs, b, { pairs, scales, kinds }) => {
      const { count, tensor } = pairsFromInputs<TensorInfo>(inputs, pairs);
      const read = (p: number, side: 0 | 1, i: number) => hostValues(backendName, b, tensor(p, side, i));
      // On WASM the same sums by SIMD loops over the heap (lib/simd: bit for bit these loops' results).
      const simd = backendName === 'wasm' ? wasmSimdOf(b) : null;
      const dot = simd ? (x: Float32Array, y: Float32Array) => simd.dot(x.byteOffset, y.byteOffset, x.length) : dotOf;
      const absSum = simd ? (x: Float32Array) => simd.absSum(x.byteOffset, x.length) : absSumOf;
      const dotAndSquare = simd
        ? (x: Float32Array, y: Float32Array) => simd.dotAndSquare(x.byteOffset, y.byteOffset, x.length)
        : dotAndSquareOf;
      const sums: number[] = new Array<number>(pairs).fill(0);
      for (let i = 0; i < count; i++) {
        const v = tensor(0, 1, i).dataId;
        if (pairs === 2 && kinds[0] === 'dot' && kinds[1] === 'dot' && tensor(1, 0, i).dataId === v && tensor(1, 1, i).dataId === v) {
          const [x, y] = dotAndSquare(read(0, 0, i), read(0, 1, i));
          sums[0]! += x;
          sums[1]! += y;
        } else
          for (let p = 0; p < pairs; p++) {
            const kind = kinds[p];
            sums[p]! +=
              kind === 'abs'
                ? absSum(read(p, 0, i))
                : kind === 'agree' || kind === 'signAgree'
                  ? agreeOf(read(p, 0, i), read(p, 1, i), kind === 'signAgree')
                  : dot(read(p, 0, i), read(p, 1, i));
          }
      }
      // Allocate every output before writing any: on WASM an allocation may move the heap's views.
      const outs = sums.map(() => (backendName === 'wasm' ? b.makeOutput!([], 'float32') : null));
      return sums.map((s, p) => {
        const x = Math.fround(s * scales[p]!);
        if (backendName === 'cpu') return b.makeTensorInfo!([], 'float32', Float32Array.of(x));
        b.typedArrayFromHeap!(outs[p]!)[0] = x;
        return outs[p]!;
      });
    });
}

/** Whether the host path applies: WASM or cpu, and pairs of float32 lists of the same shapes. */
export function hostDotsAvailable(pairs: readonly (readonly [Tensors, Tensors])[]): boolean {
  const name = tf.getBackend();
  return (
    (name === 'wasm' || name === 'cpu') &&
    internalsUsable() &&
    pairs.length > 0 &&
    pairs.every(([a, b]) => a.length === pairs[0]![0].length && a.length === b.length) &&
    pairs.every(([a, b]) =>
      a.every((t, i) => t.dtype === 'float32' && b[i]!.dtype === 'float32' && tf.util.arraysEqual(t.shape, b[i]!.shape)),
    )
  );
}

/** scale_p · Σ_i sum(a_i ⊙ b_i) (or Σ_i sum(|a_i|)) for every pair p, as scalars; check `hostDotsAvailable` first. */
export function hostDots(
  pairs: readonly (readonly [Tensors, Tensors])[],
  scales: readonly number[] = pairs.map(() => 1),
  kinds: readonly SumKind[] = pairs.map(() => 'dot'),
): Scalar[] {
  register();
  const out = runOurKernel<DotsAttrs, Scalar | Scalar[]>(HOST_DOTS, pairInputs(pairs), {
    pairs: pairs.length,
    scales: [...scales],
    kinds: [...kinds],
  });
  return Array.isArray(out) ? out : [out];
}
