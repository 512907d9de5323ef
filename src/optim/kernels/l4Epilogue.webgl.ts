import type { TensorInfo } from '@tensorflow/tfjs-core';
import { registerOurKernel } from './internals';
import { L4_EPILOGUE, L4_EPILOGUE_UNIFORMS, uniformValues, type L4EpilogueAttrs } from './l4EpilogueKernel';

/**
 * WebGL: stepsizes/l4Formula.ts as one fragment shader with four outputs (η, L_min after forgetting, the
 * numerator, the flags), instead of ~30 dispatches. Held to the formula by e2e/gpuKernels.spec.ts.
 */
export function registerWebGLEpilogue(): void {
  registerOurKernel<'webgl', L4EpilogueAttrs>(L4_EPILOGUE, 'webgl', (inputs, gl, a) =>
    gl.runWebGLProgram(
      {
        name: L4_EPILOGUE,
        variableNames: ['L', 'M', 'D'],
        outputShape: [4],
        customUniforms: L4_EPILOGUE_UNIFORMS.map((name) => ({ name, type: 'float' as const })),
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
      },
      [inputs.L, inputs.M, inputs.D] as TensorInfo[],
      'float32',
      uniformValues(a).map((u) => [u]),
    ),
  );
}
