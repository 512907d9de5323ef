/**
 * tfjs with this lab's fixes (tfjs has had no release since 4.22.0, so what it gets wrong is fixed here, one fix
 * per file): on the WASM backend every sizeable matrix product through XNNPACK (wasmMatMul.ts) and both
 * gradients of a 2-D convolution, one of which it lacks (wasmConv.ts), and Sign, Greater and Sqrt
 * that are not many times the cost of a multiply (wasmKernels.ts); on every backend, kernels that compute
 * nothing answered without running them (noOpKernels.ts). Import this module instead of
 * `@tensorflow/tfjs-backend-wasm` wherever backends are loaded (Node's backend start, the browser workers).
 */
import '@tensorflow/tfjs-backend-wasm';
import { installNoOpKernels } from './noOpKernels';
import { registerWasmConvGradients } from './wasmConv';
import { registerWasmMatMul } from './wasmMatMul';
import { registerWasmKernels } from './wasmKernels';

registerWasmMatMul();
registerWasmKernels();
registerWasmConvGradients();
installNoOpKernels();
