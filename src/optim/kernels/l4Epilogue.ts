import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import type { L4EpilogueSettings } from '../stepsizes/l4Formula';
import { internalsUsable, runOurKernel } from './internals';
import { registerHostEpilogue } from './l4Epilogue.host';
import { l4EpilogueOps } from './l4Epilogue.ops';
import { registerWebGLEpilogue } from './l4Epilogue.webgl';
import { registerWebGPUEpilogue } from './l4Epilogue.webgpu';
import { L4_EPILOGUE, type L4EpilogueAttrs } from './l4EpilogueKernel';

/** L4's epilogue on the device: η, L_min after forgetting, the numerator and the flags. */
export interface L4EpilogueTensors {
  readonly effectiveLr: Scalar;
  readonly lossMin: Scalar;
  readonly numerator: Scalar;
  readonly flags: Scalar;
}

/**
 * Where stepsizes/l4Formula.ts runs on tensors. On WebGL, WebGPU, WASM and cpu it is one fused kernel
 * (l4Epilogue.<backend>.ts): op by op, on WebGL every op is a shader dispatch and the epilogue cost as much as a
 * quarter of an MNIST step; on WASM and cpu each op costs ~10 µs of tfjs bookkeeping, ~0.5 ms per step
 * (BENCHMARKS.md, `npm run bench:profile`). Elsewhere, or with a tfjs our kernels were not written for, the
 * same arithmetic runs as plain ops (l4Epilogue.ops.ts).
 */
export function l4EpilogueOnDevice(L: Scalar, lossMin: Scalar, gDotV: Scalar, h: L4EpilogueSettings): L4EpilogueTensors {
  if (!fusedEpilogueAvailable()) return l4EpilogueOps(L, lossMin, gDotV, h);
  register();
  const attrs: L4EpilogueAttrs = { alpha: h.alpha, gamma: h.gamma, gamma0: h.gamma0, epsilon: h.epsilon, tau: h.tau };
  const out = runOurKernel<L4EpilogueAttrs, tf.Tensor1D | Scalar[]>(L4_EPILOGUE, { L, M: lossMin, D: gDotV }, attrs);
  if (Array.isArray(out)) return { effectiveLr: out[0]!, lossMin: out[1]!, numerator: out[2]!, flags: out[3]! };
  // WebGL returns one vector; its continuous slices are views, not dispatches.
  const part = (i: number) => tf.reshape(tf.slice(out, [i], [1]), []) as Scalar;
  return { effectiveLr: part(0), lossMin: part(1), numerator: part(2), flags: part(3) };
}

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  registerHostEpilogue('wasm');
  registerHostEpilogue('cpu');
  registerWebGLEpilogue();
  registerWebGPUEpilogue();
}

let enabled = true;
/** Tests only: turn the fused epilogue off, to check the op-by-op path on this backend against it. */
export function setFusedEpilogue(on: boolean): void {
  enabled = on;
}

/** Whether the fused epilogue applies: WebGL, WebGPU, WASM or cpu, with the tfjs our kernels were written for. */
export function fusedEpilogueAvailable(): boolean {
  return enabled && internalsUsable() && ['webgl', 'webgpu', 'wasm', 'cpu'].includes(tf.getBackend());
}
