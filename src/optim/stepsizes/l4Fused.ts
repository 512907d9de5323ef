import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * L4's scalar epilogue (L_min, the guards, η, the flags: ~30 scalar ops op by op) as one kernel. On WebGL every
 * op is a shader dispatch, and the epilogue cost as much as a quarter of an MNIST step there; on WASM and the
 * cpu backend each op costs ~10 µs of tfjs bookkeeping, ~0.5 ms per step (BENCHMARKS.md, `npm run
 * bench:profile`). WebGL and WebGPU run it as a shader; WASM and cpu, whose tensors live in host memory, run
 * it in JavaScript on the values in place (no readback: nothing waits for a device). Same arithmetic as the
 * op-by-op path in l4.ts (kept for any other backend, and tested against this), rounded to float32 after each
 * operation as the ops would.
 */
const KERNEL = 'L4LabL4Epilogue';

interface WebGLBackendLike {
  runWebGLProgram(
    program: {
      name: string;
      variableNames: string[];
      outputShape: number[];
      userCode: string;
      customUniforms: { name: string; type: 'float' }[];
    },
    inputs: TensorInfo[],
    dtype: 'float32',
    uniforms: number[][],
  ): TensorInfo;
}

const UNIFORMS = ['alpha', 'gamma', 'gamma0', 'epsilon', 'forget'] as const;

interface EpilogueAttrs {
  alpha: number;
  gamma: number;
  gamma0: number;
  epsilon: number;
  forget: number;
}

/** The epilogue on host numbers: [η, L_min after forgetting, numerator, flags]. */
export function epilogueOnHost(L: number, M: number, D: number, attrs: EpilogueAttrs): [number, number, number, number] {
  const f = Math.fround;
  // The op-by-op path holds the constants as float32 scalars.
  const a = { alpha: f(attrs.alpha), gamma: f(attrs.gamma), gamma0: f(attrs.gamma0), epsilon: f(attrs.epsilon), forget: f(attrs.forget) };
  const lossFinite = Number.isFinite(L);
  const lossNeg = L < 0;
  const lossValid = lossFinite && !lossNeg;
  const seen = Math.abs(M) === Infinity ? f(L * a.gamma0) : Math.min(M, L);
  const lm = lossValid ? seen : M;
  const num = f(L - f(lm * a.gamma));
  const den = f(D + a.epsilon);
  const denOk = Number.isFinite(den) && D > 0;
  const eta = lossValid && denOk ? f(f(num / den) * a.alpha) : 0;
  const flags = (lossFinite ? 0 : 1) + (lossNeg ? 2 : 0) + (denOk ? 0 : 4);
  const forgotten = lossValid ? f(lm * a.forget) : lm;
  return [eta, forgotten, num, flags];
}

interface HostBackend {
  /** The cpu backend's storage. */
  data?: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  /** The WASM backend's heap access. */
  typedArrayFromHeap?(t: TensorInfo): Float32Array;
  makeOutput?(shape: number[], dtype: 'float32'): TensorInfo;
}

/** Scalar outputs on a host-memory backend: written in place, no device round trip. */
function hostKernel(backendName: 'wasm' | 'cpu'): void {
  tf.registerKernel({
    kernelName: KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as HostBackend;
      const read = (t: TensorInfo) => (backendName === 'wasm' ? b.typedArrayFromHeap!(t)[0]! : b.data!.get(t.dataId).values[0]!);
      const { L, M, D } = inputs as { L: TensorInfo; M: TensorInfo; D: TensorInfo };
      const out = epilogueOnHost(read(L), read(M), read(D), attrs as unknown as EpilogueAttrs);
      return out.map((x) => {
        if (backendName === 'cpu') return b.makeTensorInfo!([], 'float32', Float32Array.of(x));
        const info = b.makeOutput!([], 'float32');
        b.typedArrayFromHeap!(info)[0] = x;
        return info;
      });
    },
  });
}

interface WebGPUBackendLike {
  runWebGPUProgram(
    program: object,
    inputs: TensorInfo[],
    dtype: 'float32',
    uniforms: { type: 'float32' | 'int32'; data: number[] }[],
  ): TensorInfo;
}

/**
 * WebGPU: one compute program, dispatched once per output (η, L_min, numerator, flags) so that each is its
 * own scalar (tfjs-webgpu has no views: slicing one vector would cost a dispatch per slice anyway).
 */
function webgpuKernel(): void {
  const program = () => ({
    name: KERNEL,
    variableNames: ['L', 'M', 'D'],
    outputShape: [],
    shaderKey: 'L4LabL4Epilogue',
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
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = attrs as unknown as EpilogueAttrs;
      const { L, M, D } = inputs as { L: TensorInfo; M: TensorInfo; D: TensorInfo };
      const uniforms = (which: number) => [
        ...UNIFORMS.map((u) => ({ type: 'float32' as const, data: [a[u]] })),
        { type: 'int32' as const, data: [which] },
      ];
      return [0, 1, 2, 3].map((which) =>
        (backend as unknown as WebGPUBackendLike).runWebGPUProgram(program(), [L, M, D], 'float32', uniforms(which)),
      );
    },
  });
}

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  hostKernel('wasm');
  hostKernel('cpu');
  webgpuKernel();
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
      return (backend as unknown as WebGLBackendLike).runWebGLProgram(
        program,
        [L, M, D],
        'float32',
        UNIFORMS.map((u) => [a[u]]),
      );
    },
  });
}

let enabled = true;
/** Tests only: turn the fused epilogue off, to check the op-by-op path on this backend against it. */
export function setFusedEpilogue(on: boolean): void {
  enabled = on;
}

/** Whether the fused epilogue applies: WebGL, WebGPU, WASM or cpu. */
export function fusedEpilogueAvailable(): boolean {
  return enabled && ['webgl', 'webgpu', 'wasm', 'cpu'].includes(tf.getBackend());
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
  } as unknown as tf.NamedAttrMap) as tf.Tensor1D | Scalar[];
  if (Array.isArray(out)) return { eta: out[0]!, lossMin: out[1]!, numerator: out[2]!, flags: out[3]! };
  // Continuous slices of a WebGL tensor are views, not dispatches.
  const part = (i: number) => tf.reshape(tf.slice(out, [i], [1]), []) as Scalar;
  return { eta: part(0), lossMin: part(1), numerator: part(2), flags: part(3) };
}
