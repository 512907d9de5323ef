import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * L4's scalar epilogue as one WebGL kernel. On WebGL every op is a shader dispatch, and the ~30 scalar ops of
 * the epilogue (L_min, the guards, η, the flags) cost as much as a quarter of an MNIST step there
 * (BENCHMARKS.md). Same arithmetic as the op-by-op path in l4.ts, which every other backend uses.
 */
const KERNEL = 'L4LabL4Epilogue';

interface WebGLBackendLike {
  runWebGLProgram(
    program: { name: string; variableNames: string[]; outputShape: number[]; userCode: string; customUniforms: { name: string; type: 'float' }[] },
    inputs: TensorInfo[],
    dtype: 'float32',
    uniforms: number[][],
  ): TensorInfo;
}

const UNIFORMS = ['alpha', 'gamma', 'gamma0', 'epsilon', 'forget'] as const;

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'webgl',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = attrs as unknown as Record<(typeof UNIFORMS)[number], number>;
      const program = {
        name: KERNEL,
        variableNames: ['L', 'M', 'D'],
        outputShape: [4],
        customUniforms: UNIFORMS.map((name) => ({ name, type: 'float' as const })),
        userCode: `
          void main() {
            int i = getOutputCoords();
            float L = getL();
            float M = getM();
            float D = getD();
            bool lossFinite = !(isnan(L) || isinf(L));
            bool lossNeg = L < 0.0;
            bool lossValid = lossFinite && !lossNeg;
            float seen = isinf(M) ? L * gamma0 : min(M, L);
            float lm = lossValid ? seen : M;
            float num = L - lm * gamma;
            float den = D + epsilon;
            bool denOk = !(isnan(den) || isinf(den)) && D > 0.0;
            float eta = (lossValid && denOk) ? num / den * alpha : 0.0;
            float flags = (lossFinite ? 0.0 : 1.0) + (lossNeg ? 2.0 : 0.0) + (denOk ? 0.0 : 4.0);
            float forgotten = lossValid ? lm * forget : lm;
            if (i == 0) { setOutput(eta); }
            else if (i == 1) { setOutput(forgotten); }
            else if (i == 2) { setOutput(num); }
            else { setOutput(flags); }
          }`,
      };
      const { L, M, D } = inputs as { L: TensorInfo; M: TensorInfo; D: TensorInfo };
      return (backend as unknown as WebGLBackendLike).runWebGLProgram(program, [L, M, D], 'float32', UNIFORMS.map((u) => [a[u]]));
    },
  });
}

/** Whether the fused epilogue applies: the active backend is WebGL. */
export function fusedEpilogueAvailable(): boolean {
  return tf.getBackend() === 'webgl';
}

/** η, L_min after forgetting, the numerator and the flags, from L, L_min and gᵀv, in one dispatch. */
export function fusedEpilogue(
  L: Scalar,
  lossMin: Scalar,
  gDotV: Scalar,
  h: { alpha: number; gamma: number; gamma0: number; epsilon: number; tau: number },
): { eta: Scalar; lossMin: Scalar; numerator: Scalar; flags: Scalar } {
  register();
  const out = tf.engine().runKernel(KERNEL, { L, M: lossMin, D: gDotV }, {
    alpha: h.alpha,
    gamma: h.gamma,
    gamma0: h.gamma0,
    epsilon: h.epsilon,
    forget: 1 + 1 / h.tau,
  } as unknown as tf.NamedAttrMap) as tf.Tensor1D;
  // Continuous slices of a WebGL tensor are views, not dispatches.
  const part = (i: number) => tf.reshape(tf.slice(out, [i], [1]), []) as Scalar;
  return { eta: part(0), lossMin: part(1), numerator: part(2), flags: part(3) };
}
