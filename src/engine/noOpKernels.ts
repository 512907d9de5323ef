/**
 * Kernels that compute nothing, run without a kernel: Identity, a Cast to the dtype a tensor already has, and a
 * Reshape to the shape it already has. Every backend implements them by sharing the input's data (a reference
 * count), yet tfjs (4.22, its last release) sends each through the whole kernel path — scope bookkeeping, the
 * profiler, saving tensors for the gradient (itself one more Identity per saved tensor) — and its gradients emit
 * them by the thousand: `mul`'s gradient casts both inputs to float32, the broadcasting gradients reshape to the
 * shape they already have, and every tensor kept for backprop is cloned. One training step of Fig. 6's DNC ran
 * 2,083 Identity, 594 Cast and ~650 same-shape Reshape kernels of its 7,301 (~8 ms of ~55 on wasm).
 *
 * On WASM and cpu, where a tensor's data is a flat array whatever its shape, a Reshape to another shape and an
 * ExpandDims are the same kind of call (their kernels there share the data under the new shape): answered here too,
 * they took Fig. 6's DNC step from 3,975 to 3,231 kernels. WebGL's packed textures can need a program to reshape,
 * so there only the same-shape Reshape is answered.
 *
 * Here `runKernel` answers them as the backends would — a new tensor on the same data — and records them on the
 * gradient tape exactly as the kernel path does (the kernel's registered gradient and the tensors it saves), so
 * gradients, higher-order gradients and tensor counts are unchanged. Installed once, at backend start, for every
 * backend (engine/nodeBackend.ts, worker/browserEnv.ts). Upstream would need the same test in
 * `Engine.runKernel`, or `cast`/`reshape` ops that skip no-ops and a `clone` that does not run a kernel.
 */
import * as tf from '@tensorflow/tfjs';

/** What this uses of tfjs-core's Engine (not exported by tfjs). */
interface EngineInternals {
  runKernel(name: string, inputs: tf.NamedTensorMap, attrs?: object): tf.Tensor | tf.Tensor[];
  state: { tensorInfo: WeakMap<object, { backend: tf.KernelBackend }>; kernelDepth: number; activeScope: { name: string } };
  registry: Record<string, tf.KernelBackend | undefined>;
  makeTensorFromDataId(dataId: object, shape: number[], dtype: tf.DataType, backend: tf.KernelBackend): tf.Tensor;
  isTapeOn(): boolean;
  getTensorsForGradient(name: string, inputs: tf.NamedTensorMap, outputs: tf.Tensor[]): tf.Tensor[] | null;
  saveTensorsForBackwardMode(tensors: tf.Tensor[]): tf.Tensor[];
  addTapeNode(name: string, inputs: tf.NamedTensorMap, outputs: tf.Tensor[], grad: null, saved: tf.Tensor[], attrs: object): void;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** A Reshape's target shape with its −1 filled in (as the backends' kernels infer it), or null when it does not fit. */
function reshapeTarget(shape: readonly number[], size: number): number[] | null {
  const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const free = shape.filter((d) => d === -1).length;
  if (free > 1 || shape.some((d) => d < -1 || !Number.isInteger(d))) return null;
  const out = shape.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  return out.every((d) => Number.isInteger(d)) && out.reduce((a, d) => a * d, 1) === size ? out : null;
}

/**
 * The shape of the tensor the kernel `name` returns on its input's data unchanged, or null when it computes
 * something. On every backend: Identity, a Cast to the same dtype, a Reshape to the same shape. Where a tensor's data
 * is a flat array whatever its shape (`flatData`: the WASM and cpu backends, not WebGL's textures), also any Reshape
 * of the same size and an ExpandDims: their kernels there only share the data under a new shape.
 */
export function noOpShape(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: Record<string, unknown> | undefined,
  flatData = false,
): number[] | null {
  const x = inputs.x ?? inputs.input;
  if (x === undefined || x.dtype === 'string' || x.dtype === 'complex64') return null;
  if (name === 'Identity') return inputs.x ? x.shape : null;
  if (name === 'Cast') return attrs?.dtype === x.dtype ? x.shape : null;
  if (name === 'Reshape' && inputs.x && Array.isArray(attrs?.shape)) {
    const target = sameShape(attrs.shape as number[], x.shape) ? x.shape : flatData ? reshapeTarget(attrs.shape as number[], x.size) : null;
    return target;
  }
  if (name === 'ExpandDims' && flatData && inputs.input && typeof attrs?.dim === 'number') {
    const dim = attrs.dim < 0 ? x.rank + 1 + attrs.dim : attrs.dim;
    if (!(Number.isInteger(dim) && dim >= 0 && dim <= x.rank)) return null;
    const out = [...x.shape];
    out.splice(dim, 0, 1);
    return out;
  }
  return null;
}

/** Whether the kernel `name` on these inputs returns its input's data unchanged (on every backend, or on flat data). */
export const isNoOpKernel = (
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: Record<string, unknown> | undefined,
  flatData = false,
): boolean => noOpShape(name, inputs, attrs, flatData) !== null;

/** The backends whose tensors are flat arrays viewed under a shape (their Reshape and ExpandDims share the data). */
const FLAT_BACKENDS = ['wasm', 'cpu'] as const;

let installed = false;

/** Makes the engine answer no-op kernels without running them (idempotent). */
export function installNoOpKernels(): void {
  if (installed) return;
  const engine = tf.engine() as unknown as EngineInternals;
  const runKernel = engine.runKernel;
  engine.runKernel = function (this: EngineInternals, name, inputs, attrs) {
    const x = inputs.x ?? inputs.input;
    const info = x && this.state.tensorInfo.get(x.dataId);
    // The engine's initialised backends by name (tf.findBackend would start one that is registered but not started).
    const flat = info !== undefined && FLAT_BACKENDS.some((b) => this.registry[b] === info.backend);
    const shape = noOpShape(name, inputs, attrs as Record<string, unknown>, flat);
    if (shape === null || !info) return runKernel.call(this, name, inputs, attrs);
    info.backend.incRef(x.dataId);
    const y = this.makeTensorFromDataId(x.dataId, shape, x.dtype, info.backend);
    if (this.isTapeOn()) {
      // As the kernel path: the tensors its gradient needs are saved inside the kernel (no tape nodes of their own).
      this.state.kernelDepth++;
      let saved: tf.Tensor[];
      try {
        saved = this.saveTensorsForBackwardMode(this.getTensorsForGradient(name, inputs, [y]) ?? []);
      } finally {
        this.state.kernelDepth--;
      }
      this.addTapeNode(name, inputs, [y], null, saved, attrs ?? {});
    }
    return y;
  };
  installed = true;
}
