/**
 * SIMD loops over float32 values in a WebAssembly memory another module owns (tfjs-backend-wasm's heap): the inner
 * products of the host dots, the Sign, Greater and Sqrt kernels, the cautious mask and the optimizers' moving averages and
 * Adam-type ratios. Why: tfjs's WASM kernels for Sign and Greater branch
 * per value (1.2 and 0.7 ms for a [784, 300] tensor of random signs), and the JavaScript loops that replaced them and
 * summed the inner products run one value at a time (a float64 inner product of 235,200 values: 0.17 ms); these
 * take 0.045, 0.017 and 0.06 ms, four to sixteen values per instruction. Each gives, bit for bit, what the JavaScript
 * loop gives (simd.test.ts), so where WebAssembly SIMD is missing the callers keep their loops and nothing changes.
 *
 * The module is `kernels.wat`, compiled by wabt into kernels.bytes.ts (`npm run build:wasm`); it imports the memory
 * and exports the twelve functions below. Pointers are byte offsets into that memory, counts are in values.
 */
import { KERNELS_WASM } from './kernels.bytes';

export interface SimdKernels {
  /** Σ a·b in float64 with four running sums (those of i ≡ 0, 1, 2, 3 mod 4, the tail in the first). */
  dot(a: number, b: number, n: number): number;
  /** Σ |a| in float64, summed as `dot` sums. */
  absSum(a: number, n: number): number;
  /** [Σ a·v, Σ v·v], v read once, each summed as `dot` sums. */
  dotAndSquare(a: number, v: number, n: number): [number, number];
  /** The cautious mask: out = v·[v·g > 0] (float32), returning how many values were kept. */
  cautiousMask(v: number, g: number, out: number, n: number): number;
  /** out = x·a + y·b (y·y·b with `square` 1) in float32, product by product as tfjs's ops round them. */
  axpby(x: number, a: number, y: number, b: number, square: number, out: number, n: number): void;
  /** out = a / (√d + e) in float32, each op rounded as tfjs's sqrt, add and divide. */
  ratio(a: number, d: number, e: number, out: number, n: number): void;
  /** out = √x in float32 (correctly rounded; NaN below 0). */
  sqrt(x: number, out: number, n: number): void;
  /** out = sign(x) as float32: 1, −1, or +0 for ±0 and NaN. */
  sign(x: number, out: number, n: number): void;
  /** out = x > s as bytes (0 or 1). */
  greaterScalar(x: number, s: number, out: number, n: number): void;
  /** 1 when every value is finite (no NaN, no ±∞), else 0. */
  allFinite(a: number, n: number): number;
  /**
   * ScheduleFree+'s step in one pass (float32, each op rounded as the op path's): m' = m·b1 + g·c1,
   * v' = v·b2 + (g·g)·c2, r = m'/(√v' + e), w' = r·wr + (y·wd + w·wk), u = r·sr + (y·sd + w·sk) (with hasDec 0:
   * w' = r·wr + w·wk, u = r·sr + w·sk; u the step); returns Σ u² in float64, summed as `dot` sums u·u.
   */
  sfPlusStep(...args: [...pointers: SfPlusPointers, ...scalars: SfPlusScalars, hasDec: number, n: number]): number;
}

/** sfPlusStep's pointers: y, w, m, v, g, then the outputs w', m', v', u. */
export type SfPlusPointers = [number, number, number, number, number, number, number, number, number];
/** sfPlusStep's scalars: b1, c1, b2, c2, e, wk, ws, sr, sd, sk. */
export type SfPlusScalars = [number, number, number, number, number, number, number, number, number, number];

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

const decode = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

function instantiate(memory: WebAssembly.Memory): SimdKernels | null {
  try {
    compiled ??= new WebAssembly.Module(decode(KERNELS_WASM));
    return new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels;
  } catch {
    // No WebAssembly SIMD, or a memory the module cannot import (a shared one): the callers' loops run.
    compiled = null;
    return null;
  }
}

/** The kernels over `memory`, instantiated once per memory; null where they cannot run. */
export function simdKernels(memory: WebAssembly.Memory): SimdKernels | null {
  if (!instances.has(memory)) instances.set(memory, compiled === null ? null : instantiate(memory));
  return instances.get(memory)!;
}
