/**
 * tfjs's WASM backend with this lab's kernel fixes registered (tfjs has had no release since 4.22.0, so what it
 * gets wrong is fixed here, one kernel per file): every sizeable matrix product through XNNPACK
 * (wasmMatMul.ts), and both gradients of a 2-D convolution, one of which it lacks (wasmConv.ts). Import this
 * module instead of `@tensorflow/tfjs-backend-wasm` wherever the backend is
 * loaded (Node's backend start, the browser workers).
 */
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmConvGradients } from './wasmConv';
import { registerWasmMatMul } from './wasmMatMul';

registerWasmMatMul();
registerWasmConvGradients();
