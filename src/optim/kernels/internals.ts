import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels, type SimdKernels } from '../../lib/simd/simd';

/**
 * The one door to tfjs's backend internals. Our fused kernels (L4's epilogue, the GPU inner products) run
 * shader programs through the WebGL and WebGPU backends' own program runners and write the WASM and cpu
 * backends' memory in place; none of that is tfjs's public API. Everything that reaches into a backend does
 * it through the views below, and only when the running tfjs-core is the version they were written for:
 * with any other version every fused kernel steps aside and the op-by-op paths (plain tfjs ops) run instead.
 */
export const INTERNALS_WRITTEN_FOR = '4.22.0';

let override: boolean | null = null;

/** Whether the running tfjs-core is the version our kernels were written for. */
export function internalsUsable(): boolean {
  return override ?? tf.version_core === INTERNALS_WRITTEN_FOR;
}

/** Tests only: pretend another tfjs version is running (false), or restore the check (null). */
export function setInternalsUsable(v: boolean | null): void {
  override = v;
}

/** A WebGL program as tfjs-backend-webgl's `runWebGLProgram` takes it. */
export interface WebGLProgram {
  /** Named for `npm run bench:browser -- --programs`; tfjs ignores it. */
  readonly name: string;
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;
  readonly packedInputs?: boolean;
  readonly packedOutput?: boolean;
  /** Inputs of other shapes are broadcast to the output's (tfjs's binary ops set it). */
  readonly supportsBroadcasting?: boolean;
  /** `arrayIndex`: an array of that many floats (set with uniform1fv). */
  readonly customUniforms?: { name: string; type: 'float'; arrayIndex?: number }[];
}

/** What our WebGL kernels use of tfjs-backend-webgl's MathBackendWebGL. */
export interface WebGLBackendView {
  runWebGLProgram(program: WebGLProgram, inputs: TensorInfo[], dtype: 'float32', uniforms?: number[][]): TensorInfo;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

/** What our WebGPU kernels use of tfjs-backend-webgpu's WebGPUBackend. */
export interface WebGPUBackendView {
  runWebGPUProgram(
    program: object,
    inputs: TensorInfo[],
    dtype: 'float32',
    uniforms?: { type: 'float32' | 'int32'; data: number[] }[],
    output?: TensorInfo,
  ): TensorInfo;
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): void;
}

/** What our host kernels use of the cpu backend (MathBackendCPU) and the WASM backend (BackendWasm). */
export interface HostBackendView {
  /** cpu: the storage of a tensor's values. */
  data?: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  /** WASM: a tensor's values on the module's heap. */
  typedArrayFromHeap?(t: TensorInfo): Float32Array;
  makeOutput?(shape: number[], dtype: 'float32'): TensorInfo;
  /** WASM: the Emscripten module; its exports (`asm`) hold the memory the heap is. */
  wasm?: { asm?: Record<string, unknown> };
}

interface Views {
  webgl: WebGLBackendView;
  webgpu: WebGPUBackendView;
  cpu: HostBackendView;
  wasm: HostBackendView;
}

/**
 * Registers one of our kernels for a backend: `run` gets the inputs by name, the backend as the view of its
 * kind, and the attributes as the kernel declared them.
 */
export function registerOurKernel<B extends keyof Views, A>(
  kernelName: string,
  backendName: B,
  run: (inputs: NamedTensorInfoMap, backend: Views[B], attrs: A) => TensorInfo | TensorInfo[],
): void {
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => run(inputs, backend as unknown as Views[B], attrs as unknown as A),
  });
}

/** Runs one of our kernels on the active backend (check availability first). */
export function runOurKernel<A extends object, T extends Tensor | Tensor[]>(
  kernelName: string,
  inputs: Record<string, Tensor>,
  attrs: A,
): T {
  return tf.engine().runKernel(kernelName, inputs, attrs as unknown as NamedAttrMap) as unknown as T;
}

/** A float32 tensor's values in place, in the host memory of the WASM or cpu backend (no copy). */
export function hostValues(backendName: 'wasm' | 'cpu', b: HostBackendView, t: TensorInfo): Float32Array {
  return backendName === 'wasm' ? b.typedArrayFromHeap!(t) : (b.data!.get(t.dataId).values as Float32Array);
}

const memories = new WeakMap<object, WebAssembly.Memory | null>();

/** WASM: the module's memory, the heap its tensors live on (null if the module does not export it). */
export function wasmMemoryOf(b: HostBackendView): WebAssembly.Memory | null {
  if (!memories.has(b)) {
    const found = Object.values(b.wasm?.asm ?? {}).find((x): x is WebAssembly.Memory => x instanceof WebAssembly.Memory);
    memories.set(b, found ?? null);
  }
  return memories.get(b)!;
}

/** WASM: the SIMD loops over the module's heap (lib/simd), or null where they cannot run. */
export function wasmSimdOf(b: HostBackendView): SimdKernels | null {
  const memory = wasmMemoryOf(b);
  return memory ? simdKernels(memory) : null;
}

/**
 * A scalar's value when the active backend keeps it in host memory (cpu, WASM: read in place, as the host
 * kernels do), else null. Never waits for a device.
 */
export function readHostScalar(t: Tensor): number | null {
  if (!internalsUsable()) return null;
  const name = tf.getBackend();
  if (name !== 'cpu' && name !== 'wasm') return null;
  const b = tf.backend() as unknown as HostBackendView;
  const info = { dataId: t.dataId, shape: t.shape, dtype: t.dtype } as TensorInfo;
  return name === 'wasm' ? b.typedArrayFromHeap!(info)[0]! : Number(b.data!.get(t.dataId).values[0]);
}
