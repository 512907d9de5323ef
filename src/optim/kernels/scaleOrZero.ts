import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { internalsUsable, readHostScalar, registerOurKernel, runOurKernel } from './internals';

const SCALE_OR_ZERO = 'L4LabScaleOrZero';

/**
 * s·x, except that a zero s gives exactly zero even where x is NaN or ±Inf (0·NaN = NaN would otherwise write
 * NaN into the parameters of a step that was skipped). On WASM and cpu the scalar lives in host memory: it is
 * read in place, a skipped step costs a fill, a taken one the plain multiply (none when s is 1). On WebGL and WebGPU it is one
 * program in place of the multiply (a select per element costs ~9 WebGL programs per tensor: the scalar's
 * broadcasts and the packing around the select); elsewhere a select per element.
 */
export function scaleOrZero(x: Tensor, s: Scalar): Tensor {
  const host = readHostScalar(s);
  // A scale of exactly 1 (an optimizer whose direction already holds its step: ScheduleFree+, D-Adaptation) is x
  // itself, as x·1 is x in IEEE float32 (±0, ±Inf and NaN included): a pass over the values saved.
  if (host !== null) return host === 0 ? tf.zerosLike(x) : host === 1 ? x : tf.mul(x, s);
  const backend = tf.getBackend();
  if ((backend === 'webgl' || backend === 'webgpu') && internalsUsable() && x.dtype === 'float32' && x.size > 0) {
    register();
    const out = runOurKernel<Record<string, never>, Tensor>(SCALE_OR_ZERO, { A: x, B: s }, {});
    // WebGPU's program writes a flat vector; a reshape is a view there, not a dispatch.
    return backend === 'webgpu' ? tf.reshape(out, x.shape) : out;
  }
  return tf.where(tf.notEqual(s, 0), tf.mul(x, s), 0);
}

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  // tfjs's own packed multiply with the zero case: the same layout, one program.
  registerOurKernel<'webgl', Record<string, never>>(SCALE_OR_ZERO, 'webgl', ({ A, B }, gl) =>
    gl.runWebGLProgram(
      {
        name: SCALE_OR_ZERO,
        variableNames: ['A', 'B'],
        outputShape: [...A!.shape],
        packedInputs: true,
        packedOutput: true,
        supportsBroadcasting: true,
        userCode: `
          void main() {
            vec4 a = getAAtOutCoords();
            vec4 b = getBAtOutCoords();
            setOutput(b.x == 0.0 ? vec4(0.0) : a * b);
          }`,
      },
      [A!, B!],
      'float32',
    ),
  );
  registerOurKernel<'webgpu', Record<string, never>>(SCALE_OR_ZERO, 'webgpu', ({ A, B }, gpu) =>
    gpu.runWebGPUProgram(webgpuProgram(A!.shape.reduce((n, d) => n * d, 1)), [A!, B!], 'float32'),
  );
}

/** WebGPU: each invocation walks the flat tensor with a stride; s is read once. */
function webgpuProgram(size: number) {
  return flatWebGpuProgram(SCALE_OR_ZERO, ['A', 'B'], size, {
    before: 'let s = B[0];',
    each: 'if (s == 0.0) { setOutputAtIndex(i, 0.0); } else { setOutputAtIndex(i, A[i] * s); }',
  });
}

const THREADS = 64;
/** At most this many workgroups along x (WebGPU's limit is 65535); larger tensors loop. */
const MAX_GROUPS = 4096;

/**
 * An element-wise WebGPU program over a flat output of `size` elements, as tfjs-backend-webgpu runs it: each
 * invocation walks the elements with a stride (`each` sees the index `i`), after `before` (read scalars once).
 */
export function flatWebGpuProgram(name: string, variableNames: string[], size: number, code: { before: string; each: string }) {
  const groups = Math.min(MAX_GROUPS, Math.ceil(size / THREADS));
  return {
    name,
    variableNames,
    outputShape: [size],
    shaderKey: `${name}_${size}`,
    dispatchLayout: { x: [0] },
    dispatch: [groups, 1, 1],
    workgroupSize: [THREADS, 1, 1],
    getUserCode: () => `
      fn main(index : i32) {
        // tfjs binds the uniforms buffer to every program; an unused one would be left out of the layout.
        _ = uniforms.NAN;
        ${code.before}
        for (var i = i32(workgroupId.x) * ${THREADS} + i32(localId.x); i < ${size}; i = i + ${groups * THREADS}) {
          ${code.each}
        }
      }`,
  };
}
