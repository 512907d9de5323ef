import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tensors } from '../types';
import { internalsUsable, readHostScalar, registerOurKernel, runOurKernel, wasmSimdOf, type HostBackendView } from './internals';
import { flatWebGpuProgram } from './scaleOrZero';
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
 * the official runs (1e-4 to 4e-2 within a few steps), because a packed matrix product reads those lanes.
 */
const AXPBY = 'L4LabAxpby';
const RATIO = 'L4LabRatio';
const CAUTIOUS_MASK = 'L4LabCautiousMask';
const AXPBY_GPU = 'L4LabAxpbyGpu';
const RATIO_GPU = 'L4LabRatioGpu';
const SIGN_GPU = 'L4LabSignGpu';
const CAUTIOUS_RATIO_GPU = 'L4LabCautiousRatioGpu';
const RATIO_STEP_GPU = 'L4LabRatioStepGpu';
const BLEND_MINUS_GPU = 'L4LabBlendMinusGpu';
const CAUTIOUS_GPU = 'L4LabCautiousGpu';
const CAUTIOUS_SIGN_GPU = 'L4LabCautiousSignGpu';

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

/**
 * The lanes of a packed texel past the tensor's last row or column set to 0, as tfjs's own packed binary ops do where
 * they could be non-zero: packed consumers (a matrix product, a reduction) read whole texels and count on zeros there.
 */
function zeroPadding(shape: readonly number[]): string {
  const rank = shape.length;
  if (rank === 0) return '';
  if (rank === 1) return ` int c = getOutputCoords(); if (c + 1 >= ${shape[0]}) r.y = 0.; r.z = 0.; r.w = 0.;`;
  const [row, col] = ['x', 'y', 'z', 'w'].slice(rank - 2, rank).map((a) => `c.${a}`);
  return ` ivec${rank} c = getOutputCoords(); bool pastRow = ${row} + 1 >= ${shape[rank - 2]}; bool pastCol = ${col} + 1 >= ${shape[rank - 1]};
    if (pastCol) r.y = 0.; if (pastRow) r.z = 0.; if (pastRow || pastCol) r.w = 0.;`;
}

let gpuRegistered = false;
function registerGpu(): void {
  if (gpuRegistered) return;
  gpuRegistered = true;
  const term = (square: boolean) => (square ? 'y * y' : 'y');
  // tfjs's packed layout, as its own binary ops run: four values per texel. A coefficient given as a number is a
  // uniform (no texture to upload each step), one given as a scalar tensor an input, broadcast.
  const webgl = (name: string, names: string[], numbers: Record<string, number>, shape: number[], code: string) => {
    const uniforms = Object.keys(numbers);
    const inputsCode = code.replace(/\$(\w)/g, (_, v: string) => (v in numbers ? `u${v}` : `get${v}AtOutCoords().x`)) + zeroPadding(shape);
    return {
      program: {
        name: `${name}_${uniforms.join('')}`,
        variableNames: names.filter((n) => !(n in numbers)),
        outputShape: [...shape],
        packedInputs: true,
        packedOutput: true,
        supportsBroadcasting: true,
        customUniforms: uniforms.map((u) => ({ name: `u${u}`, type: 'float' as const })),
        userCode: `void main() { vec4 r; ${inputsCode} setOutput(r); }`,
      },
      values: uniforms.map((u) => [numbers[u]!]),
    };
  };
  type GpuAttrs = { square?: boolean; numbers: Record<string, number> };
  registerOurKernel<'webgl', GpuAttrs>(AXPBY_GPU, 'webgl', (inputs, gl, { square = false, numbers }) => {
    const { program, values } = webgl(
      `${AXPBY_GPU}${square ? 'Sq' : ''}`,
      ['X', 'Y', 'A', 'B'],
      numbers,
      inputs.X!.shape,
      `vec4 y = getYAtOutCoords(); r = getXAtOutCoords() * $A + ${term(square)} * $B;`,
    );
    return gl.runWebGLProgram(
      program,
      program.variableNames.map((n) => inputs[n]!),
      'float32',
      values,
    );
  });
  registerOurKernel<'webgl', GpuAttrs>(RATIO_GPU, 'webgl', (inputs, gl, { numbers }) => {
    const { program, values } = webgl(
      RATIO_GPU,
      ['N', 'D', 'E'],
      numbers,
      inputs.N!.shape,
      'r = getNAtOutCoords() / (sqrt(getDAtOutCoords()) + $E);',
    );
    return gl.runWebGLProgram(
      program,
      program.variableNames.map((n) => inputs[n]!),
      'float32',
      values,
    );
  });
  // Sign in tfjs's packed layout (its own Sign kernel is unpacked: with the unpacking and packing around it, three
  // programs a tensor). NaN gives 0, as tfjs's Sign.
  registerOurKernel<'webgl', GpuAttrs>(SIGN_GPU, 'webgl', (inputs, gl) => {
    const { program } = webgl(
      SIGN_GPU,
      ['X'],
      {},
      inputs.X!.shape,
      'vec4 x = getXAtOutCoords(); r = sign(x); if (isnan(x.x)) r.x = 0.; if (isnan(x.y)) r.y = 0.; if (isnan(x.z)) r.z = 0.; if (isnan(x.w)) r.w = 0.;',
    );
    return gl.runWebGLProgram(program, [inputs.X!], 'float32');
  });
  // ScheduleFree+'s z and step (peers/scheduleFreePlus.ts): n/(√d + e)·a + (y·b + z), and (x·b + z·c) − y.
  registerOurKernel<'webgl', GpuAttrs & { decay: boolean }>(RATIO_STEP_GPU, 'webgl', (inputs, gl, { numbers, decay }) => {
    const { program, values } = webgl(
      `${RATIO_STEP_GPU}${decay ? 'Decay' : ''}`,
      ['N', 'D', 'E', 'A', 'Z', ...(decay ? ['Y', 'B'] : [])],
      numbers,
      inputs.N!.shape,
      `r = getNAtOutCoords() / (sqrt(getDAtOutCoords()) + $E) * $A + ${decay ? '(getYAtOutCoords() * $B + getZAtOutCoords())' : 'getZAtOutCoords()'};`,
    );
    return gl.runWebGLProgram(
      program,
      program.variableNames.map((n) => inputs[n]!),
      'float32',
      values,
    );
  });
  registerOurKernel<'webgl', GpuAttrs>(BLEND_MINUS_GPU, 'webgl', (inputs, gl, { numbers }) => {
    const { program, values } = webgl(
      BLEND_MINUS_GPU,
      ['X', 'B', 'Z', 'C', 'Y'],
      numbers,
      inputs.X!.shape,
      'r = (getXAtOutCoords() * $B + getZAtOutCoords() * $C) - getYAtOutCoords();',
    );
    return gl.runWebGLProgram(
      program,
      program.variableNames.map((n) => inputs[n]!),
      'float32',
      values,
    );
  });
  // The cautious mask and rescale of a direction v that the program computes from its inputs (`names`, then G):
  // v·[v·g > 0]·N / (K + E), K every tensor's count (a packed vector, webglSumsPerTensor), this tensor's entry `index`.
  const cautiousWebgl = (name: string, names: string[], direction: string) =>
    registerOurKernel<'webgl', GpuAttrs & { index: number }>(name, 'webgl', (inputs, gl, { numbers, index }) => {
      const k = `getK(${index}).${index % 2 === 0 ? 'x' : 'y'}`;
      const { program, values } = webgl(
        name,
        [...names, 'G', 'K', 'N', 'E'],
        numbers,
        inputs.V!.shape,
        `vec4 v = ${direction}; r = v * vec4(greaterThan(v * getGAtOutCoords(), vec4(0.0))) * ($N / (${k} + $E));`,
      );
      return gl.runWebGLProgram(
        program,
        program.variableNames.map((n) => inputs[n]!),
        'float32',
        values,
      );
    });
  cautiousWebgl(CAUTIOUS_GPU, ['V'], 'getVAtOutCoords()');
  // Lion's direction sign(v) and Adam's v / (√d + r), taken in the same program.
  cautiousWebgl(CAUTIOUS_SIGN_GPU, ['V'], 'sign(getVAtOutCoords())');
  cautiousWebgl(CAUTIOUS_RATIO_GPU, ['V', 'D', 'R'], 'getVAtOutCoords() / (sqrt(getDAtOutCoords()) + $R)');
  // WebGPU: every coefficient a scalar input, read once per invocation.
  const size = (t: TensorInfo) => t.shape.reduce((n, d) => n * d, 1);
  registerOurKernel<'webgpu', GpuAttrs>(AXPBY_GPU, 'webgpu', ({ X, Y, A, B }, gpu, { square = false }) =>
    gpu.runWebGPUProgram(
      flatWebGpuProgram(`${AXPBY_GPU}${square ? 'Sq' : ''}`, ['X', 'Y', 'A', 'B'], size(X!), {
        before: 'let a = A[0]; let b = B[0];',
        each: `let y = Y[i]; setOutputAtIndex(i, X[i] * a + ${term(square)} * b);`,
      }),
      [X!, Y!, A!, B!],
      'float32',
    ),
  );

  registerOurKernel<'webgpu', GpuAttrs & { decay: boolean }>(RATIO_STEP_GPU, 'webgpu', (inputs, gpu, { decay }) => {
    const names = ['N', 'D', 'E', 'A', 'Z', ...(decay ? ['Y', 'B'] : [])];
    return gpu.runWebGPUProgram(
      flatWebGpuProgram(`${RATIO_STEP_GPU}${decay ? 'Decay' : ''}`, names, size(inputs.N!), {
        before: `let e = E[0]; let a = A[0];${decay ? ' let b = B[0];' : ''}`,
        each: `setOutputAtIndex(i, N[i] / (sqrt(D[i]) + e) * a + ${decay ? '(Y[i] * b + Z[i])' : 'Z[i]'});`,
      }),
      names.map((n) => inputs[n]!),
      'float32',
    );
  });
  registerOurKernel<'webgpu', GpuAttrs>(BLEND_MINUS_GPU, 'webgpu', ({ X, B, Z, C, Y }, gpu) =>
    gpu.runWebGPUProgram(
      flatWebGpuProgram(BLEND_MINUS_GPU, ['X', 'B', 'Z', 'C', 'Y'], size(X!), {
        before: 'let b = B[0]; let c = C[0];',
        each: 'setOutputAtIndex(i, (X[i] * b + Z[i] * c) - Y[i]);',
      }),
      [X!, B!, Z!, C!, Y!],
      'float32',
    ),
  );
  registerOurKernel<'webgpu', GpuAttrs>(SIGN_GPU, 'webgpu', ({ X }, gpu) =>
    gpu.runWebGPUProgram(
      flatWebGpuProgram(SIGN_GPU, ['X'], size(X!), {
        before: '',
        each: 'let x = X[i]; setOutputAtIndex(i, select(0.0, sign(x), x == x));',
      }),
      [X!],
      'float32',
    ),
  );
  const cautiousWebgpu = (name: string, names: string[], before: string, direction: string) =>
    registerOurKernel<'webgpu', GpuAttrs>(name, 'webgpu', (inputs, gpu) => {
      const all = [...names, 'G', 'K', 'N', 'E'];
      return gpu.runWebGPUProgram(
        flatWebGpuProgram(name, all, size(inputs.V!), {
          before: `let s = N[0] / (K[0] + E[0]); ${before}`,
          each: `let v = ${direction}; setOutputAtIndex(i, v * select(0.0, 1.0, v * G[i] > 0.0) * s);`,
        }),
        all.map((n) => inputs[n]!),
        'float32',
      );
    });
  cautiousWebgpu(CAUTIOUS_GPU, ['V'], '', 'V[i]');
  cautiousWebgpu(CAUTIOUS_SIGN_GPU, ['V'], '', 'sign(V[i])');
  cautiousWebgpu(CAUTIOUS_RATIO_GPU, ['V', 'D', 'R'], 'let r = R[0];', 'V[i] / (sqrt(D[i]) + r)');

  registerOurKernel<'webgpu', GpuAttrs>(RATIO_GPU, 'webgpu', ({ N, D, E }, gpu) =>
    gpu.runWebGPUProgram(
      flatWebGpuProgram(RATIO_GPU, ['N', 'D', 'E'], size(N!), {
        before: 'let e = E[0];',
        each: 'setOutputAtIndex(i, N[i] / (sqrt(D[i]) + e));',
      }),
      [N!, D!, E!],
      'float32',
    ),
  );
}

/** Whether one GPU program can run here: WebGL or WebGPU, float32 tensors of one shape. */
function onGpu(x: Tensor, y: Tensor): 'webgl' | 'webgpu' | null {
  const backend = tf.getBackend();
  const ok =
    (backend === 'webgl' || backend === 'webgpu') &&
    internalsUsable() &&
    x.dtype === 'float32' &&
    y.dtype === 'float32' &&
    x.size > 0 &&
    x.rank <= 4 &&
    tf.util.arraysEqual(x.shape, y.shape);
  return ok ? backend : null;
}

/**
 * Runs a GPU program of ours. Coefficients: on WebGL numbers go as uniforms and scalar tensors as inputs; on WebGPU
 * all as scalar inputs. WebGPU's program writes a flat vector, reshaped (a view there, not a dispatch).
 */
function runGpu(
  backend: 'webgl' | 'webgpu',
  kernel: string,
  tensors: Record<string, Tensor>,
  coefficients: Record<string, number | Scalar>,
  attrs: object,
  shape: number[],
): Tensor {
  registerGpu();
  const numbers: Record<string, number> = {};
  const inputs = { ...tensors };
  for (const [k, c] of Object.entries(coefficients)) {
    if (typeof c === 'number' && backend === 'webgl') numbers[k] = c;
    else inputs[k] = typeof c === 'number' ? tf.scalar(c) : c;
  }
  const out = runOurKernel<object, Tensor>(kernel, inputs, { ...attrs, numbers });
  return backend === 'webgpu' ? tf.reshape(out, shape) : out;
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
  if (gpu) return runGpu(gpu, AXPBY_GPU, { X: x, Y: y }, { A: a, B: b }, { square }, x.shape);
  const ys = square ? tf.square(y) : y;
  return tf.add(tf.mul(x, a), b === 1 ? ys : tf.mul(ys, b));
}

/**
 * ratio(n, d, e)·a + (y·b + z) (without `decayTo`, + z), as `axpby(ratio(n, d, e), a, axpby(y, b, z, 1), 1)` computes
 * it: ScheduleFree+'s z step with AdamC's decay. On WebGL and WebGPU one program (three before); elsewhere those ops.
 */
export function ratioStep(
  n: Tensor,
  d: Tensor,
  e: number,
  a: number | Scalar,
  z: Tensor,
  decayTo?: { y: Tensor; b: number | Scalar },
): Tensor {
  const gpu = onGpu(n, z) !== null && (!decayTo || onGpu(n, decayTo.y) !== null) ? onGpu(n, d) : null;
  if (gpu) {
    const tensors = { N: n, D: d, Z: z, ...(decayTo ? { Y: decayTo.y } : {}) };
    return runGpu(gpu, RATIO_STEP_GPU, tensors, { E: e, A: a, ...(decayTo ? { B: decayTo.b } : {}) }, { decay: !!decayTo }, n.shape);
  }
  return axpby(ratio(n, d, e), a, decayTo ? axpby(decayTo.y, decayTo.b, z, 1) : z, 1);
}

/**
 * (x·b + z·c) − y, as `tf.sub(axpby(x, b, z, c), y)` computes it: ScheduleFree+'s step from y to the new
 * interpolation. On WebGL and WebGPU one program (two before); elsewhere those ops.
 */
export function blendMinus(x: Tensor, b: number | Scalar, z: Tensor, c: number | Scalar, y: Tensor): Tensor {
  const gpu = onGpu(x, z) && onGpu(x, y);
  if (gpu) return runGpu(gpu, BLEND_MINUS_GPU, { X: x, Z: z, Y: y }, { B: b, C: c }, {}, x.shape);
  return tf.sub(axpby(x, b, z, c), y);
}

/** sign(x) as `tf.sign` gives it (±1, 0 for ±0 and NaN): on WebGL and WebGPU one packed program. */
export function sign(x: Tensor): Tensor {
  const gpu = onGpu(x, x);
  return gpu ? runGpu(gpu, SIGN_GPU, { X: x }, {}, {}, x.shape) : tf.sign(x);
}

/** a / (√d + e), as `tf.div(a, tf.add(tf.sqrt(d), e))` computes it. */
export function ratio(a: Tensor, d: Tensor, e: number | Scalar): Tensor {
  const eh = fused(a, d) ? hostNumber(e) : null;
  if (eh !== null) {
    register();
    return runOurKernel<object, Tensor>(RATIO, { a, d }, { e: eh });
  }
  const gpu = onGpu(a, d);
  if (gpu) return runGpu(gpu, RATIO_GPU, { N: a, D: d }, { E: e }, {}, a.shape);
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
  const [kind, program] = signOf ? (['signAgree', CAUTIOUS_SIGN_GPU] as const) : (['agree', CAUTIOUS_GPU] as const);
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
        CAUTIOUS_RATIO_GPU,
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
        CAUTIOUS_RATIO_GPU,
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
