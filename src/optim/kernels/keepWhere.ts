import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { internalsUsable, registerOurKernel, runOurKernel } from './internals';
import { flatWebGpuProgram } from './scaleOrZero';

const KEEP_WHERE = 'L4LabKeepWhere';

/**
 * `keep ≠ 0 ? old : next`, element by element, with one scalar flag for the whole tensor: how a skipped step keeps
 * an optimizer's state on the GPUs (optim/skip.ts), bit for bit either way. On WebGL and WebGPU one program per
 * tensor, written as the step's element-wise programs are (packed on WebGL); tfjs's `where` would first broadcast
 * the flag to the tensor's shape, then pack and select (~5 WebGL programs per tensor: a step of Adam on the MNIST
 * MLP went from 175 programs to 331). Elsewhere `tf.where`.
 */
export function keepWhere(keep: Scalar, old: Tensor, next: Tensor): Tensor {
  const backend = tf.getBackend();
  if (
    (backend === 'webgl' || backend === 'webgpu') &&
    internalsUsable() &&
    next.size > 0 &&
    next.dtype === 'float32' &&
    old.dtype === 'float32' &&
    keep.dtype === 'float32' &&
    tf.util.arraysEqual(old.shape, next.shape)
  ) {
    register();
    const out = runOurKernel<Record<string, never>, Tensor>(KEEP_WHERE, { A: old, B: next, C: keep }, {});
    return backend === 'webgpu' ? tf.reshape(out, next.shape) : out;
  }
  return tf.where(tf.broadcastTo(tf.notEqual(keep, 0), next.shape), old, next);
}

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  registerOurKernel<'webgl', Record<string, never>>(KEEP_WHERE, 'webgl', ({ A, B, C }, gl) =>
    gl.runWebGLProgram(
      {
        name: KEEP_WHERE,
        variableNames: ['A', 'B', 'C'],
        outputShape: [...A!.shape],
        packedInputs: true,
        packedOutput: true,
        supportsBroadcasting: true,
        userCode: `
          void main() {
            vec4 a = getAAtOutCoords();
            vec4 b = getBAtOutCoords();
            vec4 c = getCAtOutCoords();
            setOutput(c.x != 0.0 ? a : b);
          }`,
      },
      [A!, B!, C!],
      'float32',
    ),
  );
  registerOurKernel<'webgpu', Record<string, never>>(KEEP_WHERE, 'webgpu', ({ A, B, C }, gpu) =>
    gpu.runWebGPUProgram(webgpuProgram(A!.shape.reduce((n, d) => n * d, 1)), [A!, B!, C!], 'float32'),
  );
}

/** WebGPU: each invocation walks the flat tensors with a stride; the flag is read once. */
function webgpuProgram(size: number) {
  return flatWebGpuProgram(KEEP_WHERE, ['A', 'B', 'C'], size, {
    before: 'let keep = C[0] != 0.0;',
    each: 'if (keep) { setOutputAtIndex(i, A[i]); } else { setOutputAtIndex(i, B[i]); }',
  });
}
