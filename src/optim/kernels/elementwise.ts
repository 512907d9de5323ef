import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tensors } from '../types';
import { GPU, onGpu, registerGpu, runGpu } from './elementwise.gpu';
import { internalsUsable, readHostScalar, registerOurKernel, runOurKernel, wasmSimdOf, type HostBackendView } from './internals';
import { webglDotsAvailable, webglSumsPerTensor } from './webglDots';
import { webgpuDots, webgpuDotsAvailable } from './webgpuDots';

/**
 * The element-wise shapes every optimizer's step is made of, one pass each on WASM:
 * - `axpby`: x·a + y·b, or x·a + y²·b: every moving average (β·m + (1 − β)·g, β2·v + (1 − β2)·g², Adam's undivided
 *   β·m + g) and every interpolation (Schedule-Free's averages);
 * - `ratio`: a / (√d + e): Adam's direction and its kin;
 * - `cautiousMask`: v·[v·g > 0] and how many values were kept (Liang et al. 2024), and `cautious`, the masked v
 *   rescaled by n / (kept + ε).
 * Op by op each is two to five kernels, each a pass over the tensor; on WASM one SIMD loop over the heap (lib/simd)
 * computes the same float32 operations in the same order, so the bits are the op path's (with b = 1 the op path has
 * no multiply, and y·1 is y; the mask's count is a float32 sum of ones, exact under 2^24 values). Coefficients may be
 * numbers or scalars the backend keeps in host memory. On WebGL and WebGPU `axpby` and `ratio` are one program each
 * (a packed shader, number coefficients as uniforms and scalar tensors as inputs; a compute program over the flat
 * tensor, coefficients as scalar inputs) in place of two to four, and `cautious` is the counts (the inner-product
 * kernels summing [v·g > 0]; on WebGL two programs for every tensor together) and one program a tensor that masks and
 * rescales, in place of about fourteen a tensor. A GPU may fuse x·a + y·b into one rounding, so there they agree with
 * the op path to float32 rounding, not bit for bit. The packed shader zeroes the lanes past the
 * tensor's edge: without that, the golden replays of AdEMAMix, MoMo-Adam and ScheduleFree+ on a 5-8-3 MLP drifted from
 * the official runs (1e-4 to 4e-2 within a few steps), because a packed matrix product reads those lanes. The GPU
 * programs are in elementwise.gpu.ts.
 */
const AXPBY = 'L4LabAxpby';
const RATIO = 'L4LabRatio';
const CAUTIOUS_MASK = 'L4LabCautiousMask';

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  registerOurKernel<'wasm', { a: number; b: number; square: boolean }>(AXPBY, 'wasm', (inputs, bk, { a, b, square }) => {
    const x = inputs.x as TensorInfo;
    const out = bk.makeOutput!([...x.shape], 'float32');
    const [xv, yv, ov] = [x, inputs.y as TensorInfo, out].map((t) => bk.typedArrayFromHeap!(t));
    wasmSimdOf(bk)!.axpby(xv!.byteOffset, a, yv!.byteOffset, b, square ? 1 : 0, ov!.byteOffset, xv!.length);
    return out;
  });
  registerOurKernel<'wasm', { e: number }>(RATIO, 'wasm', (inputs, bk, { e }) => {
    const a = inputs.a as TensorInfo;
    const out = bk.makeOutput!([...a.shape], 'float32');
    const [av, dv, ov] = [a, inputs.d as TensorInfo, out].map((t) => bk.typedArrayFromHeap!(t));
    wasmSimdOf(bk)!.ratio(av!.byteOffset, dv!.byteOffset, e, ov!.byteOffset, av!.length);
    return out;
  });
  registerOurKernel<'wasm', object>(CAUTIOUS_MASK, 'wasm', (inputs, bk) => {
    const v = inputs.v as TensorInfo;
    // Allocate both outputs before taking any view: an allocation may move the heap.
    const out = bk.makeOutput!([...v.shape], 'float32');
    const kept = bk.makeOutput!([], 'float32');
    const [vv, gv, ov] = [v, inputs.g as TensorInfo, out].map((t) => bk.typedArrayFromHeap!(t));
    bk.typedArrayFromHeap!(kept)[0] = wasmSimdOf(bk)!.cautiousMask(vv!.byteOffset, gv!.byteOffset, ov!.byteOffset, vv!.length);
    return [out, kept];
  });
}

/** Whether one SIMD pass can run here: WASM with SIMD, float32 tensors of one shape (under 2^24 values). */
function fused(x: Tensor, y: Tensor): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    x.size < 2 ** 24 &&
    internalsUsable() &&
    x.dtype === 'float32' &&
    y.dtype === 'float32' &&
    tf.util.arraysEqual(x.shape, y.shape) &&
    wasmSimdOf(tf.backend() as unknown as HostBackendView) !== null
  );
}

/** A coefficient as a float32 number: itself, or a scalar's value in host memory (WASM: read in place); else null. */
const hostNumber = (c: number | Scalar): number | null => (typeof c === 'number' ? c : readHostScalar(c));

/** x·a + y·b (y²·b with `square`), as `tf.add(tf.mul(x, a), tf.mul(y, b))` computes it (no multiply when b = 1). */
export function axpby(x: Tensor, a: number | Scalar, y: Tensor, b: number | Scalar, { square = false } = {}): Tensor {
  if (fused(x, y)) {
    const [ah, bh] = [hostNumber(a), hostNumber(b)];
    if (ah !== null && bh !== null) {
      register();
      return runOurKernel<object, Tensor>(AXPBY, { x, y }, { a: ah, b: bh, square });
    }
  }
  const gpu = onGpu(x, y);
  if (gpu) return runGpu(gpu, GPU.AXPBY, { X: x, Y: y }, { A: a, B: b }, { square }, x.shape);
  const ys = square ? tf.square(y) : y;
  return tf.add(tf.mul(x, a), b === 1 ? ys : tf.mul(ys, b));
}

/**
 * ratio(n, d, e)·a + (y·b + z·k) (without `decayTo`, + z·k), as `axpby(ratio(n, d, e), a, axpby(y, b, z, k), 1)`
 * computes it: ScheduleFree+'s step, a blend of w and the Adam step with AdamC's decay. On WebGL
 * and WebGPU one program (three before); elsewhere those ops.
 */
export function ratioStep(
  n: Tensor,
  d: Tensor,
  e: number,
  a: number | Scalar,
  z: Tensor,
  k: number | Scalar,
  decayTo?: { y: Tensor; b: number | Scalar },
): Tensor {
  const gpu = onGpu(n, z) !== null && (!decayTo || onGpu(n, decayTo.y) !== null) ? onGpu(n, d) : null;
  if (gpu) {
    const tensors = { N: n, D: d, Z: z, ...(decayTo ? { Y: decayTo.y } : {}) };
    const coefficients = { E: e, A: a, K: k, ...(decayTo ? { B: decayTo.b } : {}) };
    return runGpu(gpu, GPU.RATIO_STEP, tensors, coefficients, { decay: !!decayTo }, n.shape, ['E']);
  }
  return axpby(ratio(n, d, e), a, decayTo ? axpby(decayTo.y, decayTo.b, z, k) : z, decayTo ? 1 : k);
}

/** sign(x) as `tf.sign` gives it (±1, 0 for ±0 and NaN): on WebGL and WebGPU one packed program. */
export function sign(x: Tensor): Tensor {
  const gpu = onGpu(x, x);
  return gpu ? runGpu(gpu, GPU.SIGN, { X: x }, {}, {}, x.shape) : tf.sign(x);
}

/** a / (√d + e), as `tf.div(a, tf.add(tf.sqrt(d), e))` computes it. */
export function ratio(a: Tensor, d: Tensor, e: number | Scalar): Tensor {
  const eh = fused(a, d) ? hostNumber(e) : null;
  if (eh !== null) {
    register();
    return runOurKernel<object, Tensor>(RATIO, { a, d }, { e: eh });
  }
  const gpu = onGpu(a, d);
  if (gpu) return runGpu(gpu, GPU.RATIO, { N: a, D: d }, { E: e }, {}, a.shape);
  return tf.div(a, tf.add(tf.sqrt(d), e));
}

/** [v·[v·g > 0], the number kept] (float32), as the op path's multiply, compare, cast, multiply and sum give them. */
export function cautiousMask(v: Tensor, g: Tensor): [Tensor, Scalar] {
  if (fused(v, g)) {
    register();
    return runOurKernel<object, [Tensor, Scalar]>(CAUTIOUS_MASK, { v, g }, {});
  }
  const keep = tf.cast(tf.greater(tf.mul(v, g), 0), v.dtype);
  return [tf.mul(v, keep), tf.sum(keep)];
}

/**
 * The cautious direction of each tensor: v·[v·g > 0]·n / (kept + ε), n its size and kept how many of its values agree
 * in sign, as `cautiousMask` and the op path's divide, add and multiply give it; with `signOf`, that of sign(v)
 * (Lion's direction), as the same of `tf.sign(v)` gives it. On WebGL every tensor's count comes from one pair of
 * programs (the inner-product kernels' per-tensor sums of [v·g > 0], or of [sign(v)·g > 0]) and each tensor is one
 * more, which takes the sign too (so sign(v) is never a tensor of its own); on WebGPU each tensor's count is the
 * inner-product kernels' too; elsewhere one pass a tensor (`cautiousMask`).
 */
export function cautious(vs: Tensors, gs: Tensors, epsilon: number, { signOf = false } = {}): Tensors {
  const gpu = vs.every((v, i) => onGpu(v, gs[i]!) !== null) ? tf.getBackend() : null;
  const [kind, program] = signOf ? (['signAgree', GPU.CAUTIOUS_SIGN] as const) : (['agree', GPU.CAUTIOUS] as const);
  if (gpu === 'webgl' && webglDotsAvailable([[vs, gs]])) {
    registerGpu();
    const counts = webglSumsPerTensor(vs, gs, kind);
    const out = vs.map((v, index) => {
      const inputs = { V: v, G: gs[index]!, K: counts };
      return runOurKernel<object, Tensor>(program, inputs, { index, numbers: { N: v.size, E: epsilon } });
    });
    counts.dispose();
    return out;
  }
  return vs.map((v, i) => {
    const g = gs[i]!;
    const pair: [Tensor[], Tensor[]][] = [[[v], [g]]];
    if (gpu === 'webgpu' && webgpuDotsAvailable(pair)) {
      const kept = webgpuDots(pair, [1], [kind])[0]!;
      const out = runGpu('webgpu', program, { V: v, G: g }, { K: kept, N: v.size, E: epsilon }, {}, v.shape);
      kept.dispose();
      return out;
    }
    return tf.tidy(() => {
      const [masked, kept] = cautiousMask(signOf ? tf.sign(v) : v, g);
      return tf.mul(masked, tf.div(v.size, tf.add(kept, epsilon)));
    });
  });
}

/**
 * `cautious` of Adam's directions nᵢ / (√dᵢ + e) in one program a tensor on WebGL and WebGPU (the ratio is never a
 * tensor of its own), or null elsewhere (then compute the ratios and call `cautious`). The mask is the op path's,
 * [v·g > 0] of the ratio v; the count is read from n itself ([sign(n)·g > 0]: sign(v) = sign(n) as √d + e > 0), which
 * differs from the op path's count only where a product v·g underflows to 0 (below 1.4e-45).
 */
export function cautiousRatio(ns: Tensors, ds: Tensors, e: number, gs: Tensors, epsilon: number): Tensors | null {
  const gpu = ns.every((n, i) => onGpu(n, gs[i]!) !== null && onGpu(n, ds[i]!) !== null) ? tf.getBackend() : null;
  if (gpu === 'webgl' && webglDotsAvailable([[ns, gs]])) {
    registerGpu();
    const counts = webglSumsPerTensor(ns, gs, 'signAgree');
    const out = ns.map((n, index) =>
      runOurKernel<object, Tensor>(
        GPU.CAUTIOUS_RATIO,
        { V: n, D: ds[index]!, G: gs[index]!, K: counts },
        { index, numbers: { R: e, N: n.size, E: epsilon } },
      ),
    );
    counts.dispose();
    return out;
  }
  const pairs = ns.map((n, i): [Tensor[], Tensor[]][] => [[[n], [gs[i]!]]]);
  if (gpu === 'webgpu' && pairs.every((p) => webgpuDotsAvailable(p)))
    return ns.map((n, i) => {
      const kept = webgpuDots(pairs[i]!, [1], ['signAgree'])[0]!;
      const out = runGpu(
        'webgpu',
        GPU.CAUTIOUS_RATIO,
        { V: n, D: ds[i]!, G: gs[i]! },
        { K: kept, R: e, N: n.size, E: epsilon },
        {},
        n.shape,
      );
      kept.dispose();
      return out;
    });
  return null;
}
