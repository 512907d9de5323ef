/**
 * The element-wise kernels' programs on WebGL and WebGPU (elementwise.ts says what each computes and why): packed
 * shaders on WebGL, number coefficients as uniforms and scalar tensors as inputs, the lanes past the tensor's edge
 * zeroed; compute programs over the flat tensor on WebGPU, every coefficient a scalar input.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { internalsUsable, registerOurKernel, runOurKernel } from './internals';
import { flatWebGpuProgram } from './scaleOrZero';

/** The GPU programs' kernel names. */
export const GPU = {
  AXPBY: 'L4LabAxpbyGpu',
  RATIO: 'L4LabRatioGpu',
  SIGN: 'L4LabSignGpu',
  CAUTIOUS_RATIO: 'L4LabCautiousRatioGpu',
  RATIO_STEP: 'L4LabRatioStepGpu',
  CAUTIOUS: 'L4LabCautiousGpu',
  CAUTIOUS_SIGN: 'L4LabCautiousSignGpu',
} as const;

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
/** Registers the GPU programs (once). */
export function registerGpu(): void {
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
  registerOurKernel<'webgl', GpuAttrs>(GPU.AXPBY, 'webgl', (inputs, gl, { square = false, numbers }) => {
    const { program, values } = webgl(
      `${GPU.AXPBY}${square ? 'Sq' : ''}`,
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
  registerOurKernel<'webgl', GpuAttrs>(GPU.RATIO, 'webgl', (inputs, gl, { numbers }) => {
    const { program, values } = webgl(
      GPU.RATIO,
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
  registerOurKernel<'webgl', GpuAttrs>(GPU.SIGN, 'webgl', (inputs, gl) => {
    const { program } = webgl(
      GPU.SIGN,
      ['X'],
      {},
      inputs.X!.shape,
      'vec4 x = getXAtOutCoords(); r = sign(x); if (isnan(x.x)) r.x = 0.; if (isnan(x.y)) r.y = 0.; if (isnan(x.z)) r.z = 0.; if (isnan(x.w)) r.w = 0.;',
    );
    return gl.runWebGLProgram(program, [inputs.X!], 'float32');
  });
  // ScheduleFree+'s new w and step (peers/scheduleFreePlus.ts): n/(√d + e)·a + (y·b + z·k), or + z·k without decay.
  registerOurKernel<'webgl', GpuAttrs & { decay: boolean }>(GPU.RATIO_STEP, 'webgl', (inputs, gl, { numbers, decay }) => {
    const { program, values } = webgl(
      `${GPU.RATIO_STEP}${decay ? 'Decay' : ''}`,
      ['N', 'D', 'E', 'A', 'Z', 'K', ...(decay ? ['Y', 'B'] : [])],
      numbers,
      inputs.N!.shape,
      `r = getNAtOutCoords() / (sqrt(getDAtOutCoords()) + $E) * $A + ${decay ? '(getYAtOutCoords() * $B + getZAtOutCoords() * $K)' : 'getZAtOutCoords() * $K'};`,
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
  cautiousWebgl(GPU.CAUTIOUS, ['V'], 'getVAtOutCoords()');
  // Lion's direction sign(v) and Adam's v / (√d + r), taken in the same program.
  cautiousWebgl(GPU.CAUTIOUS_SIGN, ['V'], 'sign(getVAtOutCoords())');
  cautiousWebgl(GPU.CAUTIOUS_RATIO, ['V', 'D', 'R'], 'getVAtOutCoords() / (sqrt(getDAtOutCoords()) + $R)');
  // WebGPU: every coefficient a scalar input, read once per invocation.
  const size = (t: TensorInfo) => t.shape.reduce((n, d) => n * d, 1);
  registerOurKernel<'webgpu', GpuAttrs>(GPU.AXPBY, 'webgpu', ({ X, Y, A, B }, gpu, { square = false }) =>
    gpu.runWebGPUProgram(
      flatWebGpuProgram(`${GPU.AXPBY}${square ? 'Sq' : ''}`, ['X', 'Y', 'A', 'B'], size(X!), {
        before: 'let a = A[0]; let b = B[0];',
        each: `let y = Y[i]; setOutputAtIndex(i, X[i] * a + ${term(square)} * b);`,
      }),
      [X!, Y!, A!, B!],
      'float32',
    ),
  );

  // ε as a uniform: with AdamC's decay the other seven inputs and the output are the eight storage buffers a compute
  // stage may bind (WebGPU's default maxStorageBuffersPerShaderStage).
  registerOurKernel<'webgpu', GpuAttrs & { decay: boolean }>(GPU.RATIO_STEP, 'webgpu', (inputs, gpu, { numbers, decay }) => {
    const names = ['N', 'D', 'A', 'Z', 'K', ...(decay ? ['Y', 'B'] : [])];
    const program = flatWebGpuProgram(`${GPU.RATIO_STEP}${decay ? 'Decay' : ''}`, names, size(inputs.N!), {
      before: `let e = uniforms.e; let a = A[0]; let k = K[0];${decay ? ' let b = B[0];' : ''}`,
      each: `setOutputAtIndex(i, N[i] / (sqrt(D[i]) + e) * a + ${decay ? '(Y[i] * b + Z[i] * k)' : 'Z[i] * k'});`,
    });
    return gpu.runWebGPUProgram(
      { ...program, uniforms: 'e : f32,' },
      names.map((n) => inputs[n]!),
      'float32',
      [{ type: 'float32', data: [numbers.E!] }],
    );
  });
  registerOurKernel<'webgpu', GpuAttrs>(GPU.SIGN, 'webgpu', ({ X }, gpu) =>
    gpu.runWebGPUProgram(
      flatWebGpuProgram(GPU.SIGN, ['X'], size(X!), {
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
  cautiousWebgpu(GPU.CAUTIOUS, ['V'], '', 'V[i]');
  cautiousWebgpu(GPU.CAUTIOUS_SIGN, ['V'], '', 'sign(V[i])');
  cautiousWebgpu(GPU.CAUTIOUS_RATIO, ['V', 'D', 'R'], 'let r = R[0];', 'V[i] / (sqrt(D[i]) + r)');

  registerOurKernel<'webgpu', GpuAttrs>(GPU.RATIO, 'webgpu', ({ N, D, E }, gpu) =>
    gpu.runWebGPUProgram(
      flatWebGpuProgram(GPU.RATIO, ['N', 'D', 'E'], size(N!), {
        before: 'let e = E[0];',
        each: 'setOutputAtIndex(i, N[i] / (sqrt(D[i]) + e));',
      }),
      [N!, D!, E!],
      'float32',
    ),
  );
}

/** Whether one GPU program can run here: WebGL or WebGPU, float32 tensors of one shape. */
export function onGpu(x: Tensor, y: Tensor): 'webgl' | 'webgpu' | null {
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
 * all as scalar inputs but the numbers named in `uniformsOnWebGpu`, which that program reads as uniforms. WebGPU's
 * program writes a flat vector, reshaped (a view there, not a dispatch).
 */
export function runGpu(
  backend: 'webgl' | 'webgpu',
  kernel: string,
  tensors: Record<string, Tensor>,
  coefficients: Record<string, number | Scalar>,
  attrs: object,
  shape: number[],
  uniformsOnWebGpu: readonly string[] = [],
): Tensor {
  registerGpu();
  const numbers: Record<string, number> = {};
  const inputs = { ...tensors };
  for (const [k, c] of Object.entries(coefficients)) {
    if (typeof c === 'number' && (backend === 'webgl' || uniformsOnWebGpu.includes(k))) numbers[k] = c;
    else inputs[k] = typeof c === 'number' ? tf.scalar(c) : c;
  }
  const out = runOurKernel<object, Tensor>(kernel, inputs, { ...attrs, numbers });
  return backend === 'webgpu' ? tf.reshape(out, shape) : out;
}
