/**
 * BatchMatMul for tfjs's WASM backend that sends every sizeable product to XNNPACK.
 *
 * Why: tfjs-backend-wasm 4.22 (its last release) calls XNNPACK's fully-connected operator only for the
 * untransposed product of two single-batch operands; a product with `transposeA` or `transposeB` — both
 * backward products of every dense layer — and every batched product run in a plain blocked loop in the wasm
 * module, 10–15× slower than XNNPACK at the MNIST MLP's shapes (dW = xᵀ·dy, [784,64]·[64,300]: 20 ms in the
 * loop, 2.7 ms transposed first and then through XNNPACK). Here the transposed operands are made explicit with
 * the backend's own Transpose kernel, batches are folded into the rows of one product where the layout allows
 * (`[B, M, K]·[K, N]` is `[B·M, K]·[K, N]`), and what is left batched runs one XNNPACK call per batch, with
 * tfjs's broadcasting of the batch dimensions. Small products stay in the stock loop: XNNPACK packs its
 * right-hand operand into a new operator on every call, which costs more than a 16×16 product (the DNC's
 * memory reads are thousands of those).
 *
 * Upstream would need: `batch_mat_mul_impl.cc` to pass XNN_FLAG_TRANSPOSE_WEIGHTS only when `transpose_b` is
 * false, transpose `a` or use a transposed-input GEMM, and loop over batches with the fast path.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: object }) => tf.TensorInfo;

/**
 * Below this many multiply-adds per batch a transposed or batched product stays in the stock loop (measured on
 * the DNC's and the MLP's shapes: see wasmMatMul.test.ts and BENCHMARKS.md).
 */
export const XNN_MIN_MACS = 32 * 1024;

/** How many products took each path since the start (read by the tests and the profile bench). */
export const wasmMatMulPaths = { stock: 0, folded: 0, perBatch: 0 };

interface StockKernels {
  matMul: KernelFunc;
  transpose: KernelFunc;
  slice: KernelFunc;
}

function transposeLast(x: tf.TensorInfo, backend: BackendWasm, k: StockKernels): tf.TensorInfo {
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return k.transpose({ inputs: { x }, backend, attrs: { perm } });
}

/** Flat batch index into an operand's batch dimensions for each flat index of the broadcast output batch. */
export function broadcastBatchIndex(operand: readonly number[], out: readonly number[]): number[] {
  const size = out.reduce((a, b) => a * b, 1);
  const offset = out.length - operand.length;
  const index: number[] = [];
  for (let o = 0; o < size; o++) {
    let rest = o;
    let flat = 0;
    let stride = 1;
    for (let d = out.length - 1; d >= 0; d--) {
      const coord = rest % out[d]!;
      rest = Math.floor(rest / out[d]!);
      const od = d - offset;
      if (od >= 0) {
        const n = operand[od]!;
        flat += (n === 1 ? 0 : coord) * stride;
        stride *= n;
      }
    }
    index.push(flat);
  }
  return index;
}

function makeBatchMatMul(k: StockKernels): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const kk = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const aBatch = a.shape.slice(0, -2);
    const bBatch = b.shape.slice(0, -2);
    const batchA = tf.util.sizeFromShape(aBatch);
    const batchB = tf.util.sizeFromShape(bBatch);
    const macs = m * kk * n;
    // The stock kernel checks shapes and dtypes (and throws tfjs's own messages), and is already XNNPACK for one
    // untransposed pair; it is also the faster for small products.
    const stockIsFast = !transposeA && !transposeB && batchA === 1 && batchB === 1;
    const small = batchB === 1 ? batchA * macs < XNN_MIN_MACS : macs < XNN_MIN_MACS;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || kk !== kb || stockIsFast || small) {
      wasmMatMulPaths.stock++;
      return k.matMul(args);
    }
    const outBatch = tf.backend_util.assertAndGetBroadcastShape(aBatch, bBatch);
    const temps: tf.TensorInfo[] = [];
    const at = transposeA ? transposeLast(a, backend, k) : a;
    const bt = transposeB ? transposeLast(b, backend, k) : b;
    if (transposeA) temps.push(at);
    if (transposeB) temps.push(bt);
    const plain = { transposeA: false, transposeB: false };
    try {
      if (batchB === 1) {
        wasmMatMulPaths.folded++;
        // Rows of every batch of `a` against the one `b`: a single product of batchA·M rows.
        const out = k.matMul({
          inputs: {
            a: { dataId: at.dataId, shape: [1, batchA * m, kk], dtype: 'float32' },
            b: { dataId: bt.dataId, shape: [1, kk, n], dtype: 'float32' },
          },
          backend,
          attrs: plain,
        });
        // A batch of `a` broadcast against b's batch dimensions of size 1 keeps its size.
        out.shape = [...outBatch, m, n];
        return out;
      }
      wasmMatMulPaths.perBatch++;
      const outSize = tf.util.sizeFromShape(outBatch);
      const ia = broadcastBatchIndex(aBatch, outBatch);
      const ib = broadcastBatchIndex(bBatch, outBatch);
      // Each operand's batches sliced once, however often broadcasting uses them.
      const slicer = (x: tf.TensorInfo, batches: number, rows: number, cols: number) => {
        const cache = new Map<number, tf.TensorInfo>();
        const get = (i: number) => {
          let part = cache.get(i);
          if (part === undefined) {
            part = k.slice({
              inputs: { x: { dataId: x.dataId, shape: [batches, rows, cols], dtype: 'float32' } },
              backend,
              attrs: { begin: [i, 0, 0], size: [1, rows, cols] },
            });
            cache.set(i, part);
          }
          return part;
        };
        return { get, dispose: () => cache.forEach((p) => backend.disposeData(p.dataId)) };
      };
      const aSlices = slicer(at, batchA, m, kk);
      const bSlices = slicer(bt, batchB, kk, n);
      const parts: tf.TensorInfo[] = [];
      try {
        for (let o = 0; o < outSize; o++)
          parts.push(k.matMul({ inputs: { a: aSlices.get(ia[o]!), b: bSlices.get(ib[o]!) }, backend, attrs: plain }));
        const out = backend.makeOutput([...outBatch, m, n], 'float32');
        const dst = backend.typedArrayFromHeap(out) as Float32Array;
        parts.forEach((p, o) => dst.set(backend.typedArrayFromHeap(p) as Float32Array, o * m * n));
        return out;
      } finally {
        for (const p of parts) backend.disposeData(p.dataId);
        aSlices.dispose();
        bSlices.dispose();
      }
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

let registered = false;

/**
 * Replaces the WASM backend's BatchMatMul with the one above. Idempotent; call it after
 * `@tensorflow/tfjs-backend-wasm` is imported and before or after the backend starts (the stock kernel's
 * setup, which binds its wasm function, is kept as ours).
 */
export function registerWasmMatMul(): void {
  if (registered) return;
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  const slice = tf.getKernel('Slice', 'wasm');
  if (!stock || !transpose || !slice) throw new Error('The WASM backend is not loaded: import @tensorflow/tfjs-backend-wasm first.');
  const kernels: StockKernels = {
    matMul: stock.kernelFunc as unknown as KernelFunc,
    transpose: transpose.kernelFunc as unknown as KernelFunc,
    slice: slice.kernelFunc as unknown as KernelFunc,
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: makeBatchMatMul(kernels) as unknown as tf.KernelFunc,
  });
  registered = true;
}
