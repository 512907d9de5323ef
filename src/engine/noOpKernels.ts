/**
 * Kernels that compute nothing, run without a kernel: Identity, a Cast to the dtype a tensor already has, and a
 * Reshape to the shape it already has. Every backend implements them by sharing the input's data (a reference
 * count), yet tfjs (4.22, its last release) sends each through the whole kernel path — scope bookkeeping, the
 * profiler, saving tensors for the gradient (itself one more Identity per saved tensor) — and its gradients emit
 * them by the thousand: `mul`'s gradient casts both inputs to float32, the broadcasting gradients reshape to the
 * shape they already have, and every tensor kept for backprop is cloned. One training step of Fig. 6's DNC ran
 * 2,083 Identity, 594 Cast and ~650 same-shape Reshape kernels of its 7,301 (~8 ms of ~55 on wasm).
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
  makeTensorFromDataId(dataId: object, shape: number[], dtype: tf.DataType, backend: tf.KernelBackend): tf.Tensor;
  isTapeOn(): boolean;
  getTensorsForGradient(name: string, inputs: tf.NamedTensorMap, outputs: tf.Tensor[]): tf.Tensor[] | null;
  saveTensorsForBackwardMode(tensors: tf.Tensor[]): tf.Tensor[];
  addTapeNode(name: string, inputs: tf.NamedTensorMap, outputs: tf.Tensor[], grad: null, saved: tf.Tensor[], attrs: object): void;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Whether the kernel `name` on these inputs returns its input's data unchanged on every backend. */
export function isNoOpKernel(name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown> | undefined): boolean {
  const x = inputs.x;
  if (x === undefined || x.dtype === 'string' || x.dtype === 'complex64') return false;
  if (name === 'Identity') return true;
  if (name === 'Cast') return attrs?.dtype === x.dtype;
  if (name === 'Reshape') return Array.isArray(attrs?.shape) && sameShape(attrs.shape as number[], x.shape);
  return false;
}

let installed = false;

/** Makes the engine answer no-op kernels without running them (idempotent). */
export function installNoOpKernels(): void {
  if (installed) return;
  const engine = tf.engine() as unknown as EngineInternals;
  const runKernel = engine.runKernel;
  engine.runKernel = function (this: EngineInternals, name, inputs, attrs) {
    if (!isNoOpKernel(name, inputs, attrs as Record<string, unknown>)) return runKernel.call(this, name, inputs, attrs);
    const x = inputs.x!;
    const info = this.state.tensorInfo.get(x.dataId)!;
    info.backend.incRef(x.dataId);
    const y = this.makeTensorFromDataId(x.dataId, x.shape, x.dtype, info.backend);
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
