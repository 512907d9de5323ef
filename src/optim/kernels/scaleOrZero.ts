import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { internalsUsable, readHostScalar, registerOurKernel, runOurKernel } from './internals';

const SCALE_OR_ZERO = 'L4LabScaleOrZero';

/**
 * s·x, except that a zero s gives exactly zero even where x is NaN or ±Inf (0·NaN = NaN would otherwise write
 * NaN into the parameters of a step that was skipped). On WASM and cpu the scalar lives in host memory: it is
 * read in place, a skipped step costs a fill and a taken one is the plain multiply. On WebGL it is one shader in
 * place of the multiply (a select per element costs ~9 programs per tensor there: the scalar's broadcasts and
 * the packing around the select); elsewhere a select per element.
 */
export function scaleOrZero(x: Tensor, s: Scalar): Tensor {
  const host = readHostScalar(s);
  if (host !== null) return host === 0 ? tf.zerosLike(x) : tf.mul(x, s);
  if (tf.getBackend() === 'webgl' && internalsUsable() && x.dtype === 'float32') {
    register();
    return runOurKernel<Record<string, never>, Tensor>(SCALE_OR_ZERO, { A: x, B: s }, {});
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
}
