/**
 * The gradients of a 2-D convolution for tfjs's WASM backend, which has no Conv2DBackpropFilter at all
 * (tfjs-backend-wasm 4.22, its last release), so no convolutional network could train on WASM, and whose
 * Conv2DBackpropInput is a direct loop. Both are one matrix product through XNNPACK (wasmMatMul.ts) and a host
 * loop over the receptive fields (im2col): with cols [N·OH·OW, FH·FW·Cin] holding each output position's inputs
 * (zeros where the window overhangs the padding) and the filter as W̃ [FH·FW·Cin, Cout],
 * dW = colsᵀ · dy and dx = col2im(dy · W̃ᵀ) (each row added back where it was read). NHWC only, as tfjs's
 * layers and this lab's tasks use it.
 *
 * Upstream would need the same in C++ (XNNPACK has no gradient operators; its deconvolution could serve dx).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: object }) => tf.TensorInfo;

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** The convolution's geometry, after checking the layout and dtypes this kernel supports. */
function convInfo(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  tensors: tf.TensorInfo[],
  { strides, pad, dataFormat, dimRoundingMode }: ConvAttrs,
) {
  if (dataFormat !== 'NHWC')
    throw new Error(`${kernel} on WASM supports the NHWC layout only (got ${dataFormat}); use another backend for NCHW.`);
  if (tensors.some((t) => t.dtype !== 'float32'))
    throw new Error(`${kernel} on WASM takes float32 tensors (got ${tensors.map((t) => t.dtype).join(' and ')}).`);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { inChannels: cin, outChannels: cout, filterHeight: fh, filterWidth: fw } = info;
  // The im2col matrix: one row per output position, one column per tap and input channel.
  return { info, cin, cout, fh, fw, positions: info.batchSize * info.outHeight * info.outWidth, field: fh * fw * cin };
}

/**
 * Calls visit(field, x) for every tap of every output position that falls inside the input: `field` is the
 * offset of the tap's Cin values in the im2col matrix [N·OH·OW, FH·FW·Cin], `x` their offset in the NHWC input.
 */
function forEachTap(info: Conv2DInfo, visit: (row: number, field: number, x: number) => void): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  let row = 0;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++, row++)
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - top + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * sw - left + kx * dw;
            if (ix >= 0 && ix < w) visit(row, (ky * fw + kx) * cin, ((b * h + iy) * w + ix) * cin);
          }
        }
}

const matMul = (
  backend: BackendWasm,
  a: tf.TensorInfo,
  aShape: number[],
  b: tf.TensorInfo,
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
) =>
  (tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc as unknown as KernelFunc)({
    inputs: { a: { dataId: a.dataId, shape: aShape, dtype: 'float32' }, b: { dataId: b.dataId, shape: bShape, dtype: 'float32' } },
    backend,
    attrs: { transposeA, transposeB },
  });

/** dW = im2col(x)ᵀ · dy: [FH·FW·Cin, N·OH·OW] · [N·OH·OW, Cout]. */
function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: object }): tf.TensorInfo {
  const { backend } = args;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as ConvAttrs & { filterShape: number[] };
  const { info, cin, cout, fh, fw, positions, field } = convInfo('Conv2DBackpropFilter', x.shape, attrs.filterShape, [x, dy], attrs);
  // Allocate first: a later allocation may grow the wasm memory and detach the views taken below.
  const cols = backend.makeOutput([field, positions], 'float32');
  try {
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(cols) as Float32Array;
    dst.fill(0);
    forEachTap(info, (row, f, xi) => {
      for (let c = 0; c < cin; c++) dst[(f + c) * positions + row] = src[xi + c]!;
    });
    const out = matMul(backend, cols, [1, field, positions], dy, [1, positions, cout], false, false);
    out.shape = [fh, fw, cin, cout];
    return out;
  } finally {
    backend.disposeData(cols.dataId);
  }
}

/** dx = col2im(dy · W̃ᵀ), W̃ the filter as [FH·FW·Cin, Cout]: each tap's row of the product added where it read. */
function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: object }): tf.TensorInfo {
  const { backend } = args;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as ConvAttrs & { inputShape: number[] };
  const { info, cin, cout, positions, field } = convInfo('Conv2DBackpropInput', attrs.inputShape, filter.shape, [dy, filter], attrs);
  const dx = backend.makeOutput([...attrs.inputShape], 'float32');
  const cols = matMul(backend, dy, [1, positions, cout], filter, [1, field, cout], false, true);
  try {
    const src = backend.typedArrayFromHeap(cols) as Float32Array;
    const dst = backend.typedArrayFromHeap(dx) as Float32Array;
    dst.fill(0);
    forEachTap(info, (row, f, xi) => {
      const from = row * field + f;
      for (let c = 0; c < cin; c++) dst[xi + c]! += src[from + c]!;
    });
    return dx;
  } finally {
    backend.disposeData(cols.dataId);
  }
}

let registered = false;

/**
 * Registers both gradients of a 2-D convolution for the WASM backend (idempotent). Conv2DBackpropInput replaces
 * the stock kernel, a direct loop 10× slower than the product here (ConvNet, batch 10: 69 ms a step).
 */
export function registerWasmConvGradients(): void {
  if (registered) return;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm'))
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
    });
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
  });
  registered = true;
}
