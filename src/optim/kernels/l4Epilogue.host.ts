import type { TensorInfo } from '@tensorflow/tfjs-core';
import { l4Epilogue } from '../stepsizes/l4Formula';
import { registerOurKernel } from './internals';
import { L4_EPILOGUE, type L4EpilogueAttrs } from './l4EpilogueKernel';

/**
 * WASM and cpu, whose tensors live in host memory: the normative formula itself (stepsizes/l4Formula.ts) in
 * float32 (`Math.fround` after every operation, as the ops would round), on the values in place: no device
 * round trip, one kernel instead of ~30 ops of ~10 µs of tfjs bookkeeping each.
 */
export function registerHostEpilogue(backendName: 'wasm' | 'cpu'): void {
  registerOurKernel<typeof backendName, L4EpilogueAttrs>(L4_EPILOGUE, backendName, (inputs, b, a) => {
    const read = (t: TensorInfo) => (backendName === 'wasm' ? b.typedArrayFromHeap!(t)[0]! : b.data!.get(t.dataId).values[0]!);
    const r = l4Epilogue(read(inputs.L!), read(inputs.M!), read(inputs.D!), a, Math.fround);
    return [r.effectiveLr, r.lossMin, r.numerator, r.flags].map((x) => {
      if (backendName === 'cpu') return b.makeTensorInfo!([], 'float32', Float32Array.of(x));
      const info = b.makeOutput!([], 'float32');
      b.typedArrayFromHeap!(info)[0] = x;
      return info;
    });
  });
}
