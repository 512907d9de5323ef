/**
 * The GPU inner-product kernels (src/optim/webglDots.ts, webgpuDots.ts) against float64 sums of the same float32 values, on
 * shapes that exercise its packed layouts: vectors and matrices with odd and even edges, rank 3 and 4 (convolution
 * kernels), a scalar, tensors large enough for many blocks, and many tensors. The inputs come from a packed exp, whose
 * padding past an odd edge holds ones: they must not leak into the sums.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { webglDots, webglDotsAvailable } from '../optim/kernels/webglDots';
import { webgpuDots, webgpuDotsAvailable } from '../optim/kernels/webgpuDots';
import { scaleOrZero } from '../optim/kernels/scaleOrZero';

export const DOT_SHAPES: number[][][] = [
  [[7], [10], [3, 5], [4, 6]],
  [[5, 5, 1, 32], [32], [5, 5, 32, 64], [64], [300, 10], [10]],
  [[3, 7, 9], [2, 3, 5, 5], []],
  [[784, 300], [300], [301, 99], [99]],
  // Many tensors (a ResNet has ~65): WebGPU splits them into programs of at most 7 inputs.
  Array.from({ length: 30 }, (_, i) => [i + 1, 3]),
];

function float64Dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

interface DotsCase {
  shapes: string;
  rel: number[];
  got: number[];
  want: number[];
}

export async function runDotsCheck(
  target: 'webgl1' | 'webgl2' | 'webgpu',
): Promise<{ ok: boolean; scaleOrZero: boolean; backend: string; webglVersion: number; cases: DotsCase[]; leaked: number }> {
  // WebGL 1 (GLSL ES 1.00, stricter loops and no integer min) where tfjs falls back to it on older devices.
  if (target !== 'webgpu') tf.env().set('WEBGL_VERSION', target === 'webgl1' ? 1 : 2);
  const backend = target === 'webgpu' ? 'webgpu' : 'webgl';
  await tf.setBackend(backend);
  await tf.ready();
  if (new URLSearchParams(globalThis.location?.search).has('print')) tf.env().set('WEBGPU_PRINT_SHADER', 'l4lab');
  const [available, dots] = backend === 'webgpu' ? [webgpuDotsAvailable, webgpuDots] : [webglDotsAvailable, webglDots];
  const before = tf.memory().numTensors;
  const cases: DotsCase[] = [];
  let ok = tf.getBackend() === backend;
  let scaleOk = true;
  for (const [k, shapes] of DOT_SHAPES.entries()) {
    // Packed tensors, as the optimizers' element-wise ops produce them. A packed exp computes its padding too
    // (exp(0) = 1): the kernel must leave it out (without the masks these sums are off by up to 26 %).
    const mk = (seed: number) => shapes.map((s, i) => tf.tidy(() => tf.exp(tf.mul(tf.randomNormal(s, 0, 1, 'float32', seed + i), 0.5))));
    const a = mk(10 * k);
    const b = mk(10 * k + 5);
    if (
      !available([
        [a, b],
        [b, b],
      ])
    )
      ok = false;
    // Asynchronous reads: WebGPU's synchronous readback does not work on every adapter.
    const read = async (ts: tf.Tensor[]) => {
      const out = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose(ts);
      return out;
    };
    const got = (
      await read(
        dots(
          [
            [a, b],
            [b, b],
          ],
          [1, 0.5],
        ),
      )
    ).map((x) => x[0]!);
    const av = await Promise.all(a.map((t) => t.data() as Promise<Float32Array>));
    const bv = await Promise.all(b.map((t) => t.data() as Promise<Float32Array>));
    const want = [av.reduce((s, x, i) => s + float64Dot(x, bv[i]!), 0), 0.5 * bv.reduce((s, x) => s + float64Dot(x, x), 0)];
    const rel = got.map((g, i) => Math.abs(g - want[i]!) / Math.max(1e-30, Math.abs(want[i]!)));
    // One pair alone takes the same path.
    const single = (await read(dots([[a, a]])))[0]![0]!;
    const wantSingle = av.reduce((s, x) => s + float64Dot(x, x), 0);
    rel.push(Math.abs(single - wantSingle) / wantSingle);
    cases.push({ shapes: JSON.stringify(shapes), rel, got: [...got, single], want: [...want, wantSingle] });
    // The step's scale-or-zero on the same packed tensors: s·x exactly, and exact zeros for s = 0 where x is ±Inf.
    for (const [i, x] of a.entries()) {
      const [scaled, skipped] = await read([
        tf.tidy(() => scaleOrZero(x, tf.scalar(-0.5))),
        tf.tidy(() => scaleOrZero(tf.div(x, 0), tf.scalar(0))),
      ]);
      if (!scaled!.every((v, j) => v === -0.5 * av[i]![j]!) || !skipped!.every((v) => v === 0)) scaleOk = false;
    }
    tf.dispose([...a, ...b]);
  }
  // A tensor larger than one pass of WebGPU's workgroups (4096 × 64 elements), so that its loop wraps.
  const big = tf.tidy(() => tf.exp(tf.mul(tf.randomNormal([1000, 600], 0, 1, 'float32', 99), 0.5)));
  const bigValues = (await big.data()) as Float32Array;
  const [bigScaled, bigSkipped] = await Promise.all(
    [tf.tidy(() => scaleOrZero(big, tf.scalar(-0.5))), tf.tidy(() => scaleOrZero(tf.div(big, 0), tf.scalar(0)))].map(async (t) => {
      const v = (await t.data()) as Float32Array;
      t.dispose();
      return v;
    }),
  );
  if (!bigScaled!.every((v, j) => v === -0.5 * bigValues[j]!) || !bigSkipped!.every((v) => v === 0)) scaleOk = false;
  big.dispose();
  const leaked = tf.memory().numTensors - before;
  return {
    ok: ok && scaleOk,
    scaleOrZero: scaleOk,
    backend: tf.getBackend(),
    webglVersion: backend === 'webgl' ? tf.env().getNumber('WEBGL_VERSION') : 0,
    cases,
    leaked,
  };
}
