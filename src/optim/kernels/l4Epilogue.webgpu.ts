import type { TensorInfo } from '@tensorflow/tfjs-core';
import { registerOurKernel } from './internals';
import { L4_EPILOGUE, uniformValues, type L4EpilogueAttrs } from './l4EpilogueKernel';

/**
 * WebGPU: stepsizes/l4Formula.ts as one compute program, dispatched once per output (η, L_min, numerator,
 * flags) so that each is its own scalar (tfjs-webgpu has no views: slicing one vector would cost a dispatch
 * per slice anyway). Held to the formula by e2e/gpuKernels.spec.ts.
 */
const program = () => ({
  name: L4_EPILOGUE,
  variableNames: ['L', 'M', 'D'],
  outputShape: [],
  shaderKey: L4_EPILOGUE,
  dispatchLayout: { x: [] },
  dispatch: [1, 1, 1],
  workgroupSize: [1, 1, 1],
  uniforms: 'alpha : f32, gamma : f32, gamma0 : f32, epsilon : f32, forget : f32, which : i32,',
  getUserCode: () => `
      fn main(index : i32) {
        let L = getL();
        let M = getM();
        let D = getD();
        let lossFinite = !(isnan(L) || isinf(L));
        let lossNeg = L < 0.0;
        let lossValid = lossFinite && !lossNeg;
        let seen = select(min(M, L), L * uniforms.gamma0, isinf(M));
        let lm = select(M, seen, lossValid);
        let num = L - lm * uniforms.gamma;
        let den = D + uniforms.epsilon;
        let denOk = !(isnan(den) || isinf(den)) && D > 0.0;
        let eta = select(0.0, num / den * uniforms.alpha, lossValid && denOk);
        let flags = select(1.0, 0.0, lossFinite) + select(0.0, 2.0, lossNeg) + select(4.0, 0.0, denOk);
        let forgotten = select(lm, lm * uniforms.forget, lossValid);
        var out = eta;
        if (uniforms.which == 1) { out = forgotten; }
        if (uniforms.which == 2) { out = num; }
        if (uniforms.which == 3) { out = flags; }
        setOutputAtIndex(0, out);
      }`,
});

export function registerWebGPUEpilogue(): void {
  registerOurKernel<'webgpu', L4EpilogueAttrs>(L4_EPILOGUE, 'webgpu', (inputs, gpu, a) => {
    const values = uniformValues(a);
    const uniforms = (which: number) => [
      ...values.map((u) => ({ type: 'float32' as const, data: [u] })),
      { type: 'int32' as const, data: [which] },
    ];
    const io = [inputs.L, inputs.M, inputs.D] as TensorInfo[];
    return [0, 1, 2, 3].map((which) => gpu.runWebGPUProgram(program(), io, 'float32', uniforms(which)));
  });
}
