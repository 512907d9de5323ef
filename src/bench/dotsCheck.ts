/**
 * The WebGL inner-product kernel (src/optim/webglDots.ts) against float64 sums of the same float32 values, on
 * shapes that exercise its packed layouts: vectors and matrices with odd and even edges, rank 3 and 4 (convolution
 * kernels), a scalar, and tensors large enough for many blocks. The inputs come from a packed exp, whose
 * padding past an odd edge holds ones: they must not leak into the sums.
 */
import * as tf from '@tensorflow/tfjs';
import { webglDots, webglDotsAvailable } from '../optim/webglDots';

export const DOT_SHAPES: number[][][] = [
  [[7], [10], [3, 5], [4, 6]],
  [[5, 5, 1, 32], [32], [5, 5, 32, 64], [64], [300, 10], [10]],
  [[3, 7, 9], [2, 3, 5, 5], []],
  [[784, 300], [300], [301, 99], [99]],
];

function float64Dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export async function runDotsCheck(webglVersion: 1 | 2 = 2): Promise<{ ok: boolean; backend: string; webglVersion: number; cases: { shapes: string; rel: number[] }[]; leaked: number }> {
  // WebGL 1 (GLSL ES 1.00, stricter loops and no integer min) where tfjs falls back to it on older devices.
  tf.env().set('WEBGL_VERSION', webglVersion);
  await tf.setBackend('webgl');
  await tf.ready();
  const before = tf.memory().numTensors;
  const cases: { shapes: string; rel: number[] }[] = [];
  let ok = tf.getBackend() === 'webgl';
  for (const [k, shapes] of DOT_SHAPES.entries()) {
    // Packed tensors, as the optimizers' element-wise ops produce them. A packed exp computes its padding too
    // (exp(0) = 1): the kernel must leave it out (without the masks these sums are off by up to 26 %).
    const mk = (seed: number) =>
      shapes.map((s, i) => tf.tidy(() => tf.exp(tf.mul(tf.randomNormal(s, 0, 1, 'float32', seed + i), 0.5))));
    const a = mk(10 * k);
    const b = mk(10 * k + 5);
    if (!webglDotsAvailable([[a, b], [b, b]])) ok = false;
    const got = tf.tidy(() => webglDots([[a, b], [b, b]], [1, 0.5]).map((t) => t.dataSync()[0]!));
    const av = a.map((t) => t.dataSync() as Float32Array);
    const bv = b.map((t) => t.dataSync() as Float32Array);
    const want = [av.reduce((s, x, i) => s + float64Dot(x, bv[i]!), 0), 0.5 * bv.reduce((s, x) => s + float64Dot(x, x), 0)];
    const rel = got.map((g, i) => Math.abs(g - want[i]!) / Math.max(1e-30, Math.abs(want[i]!)));
    // One pair alone takes the same path.
    const single = tf.tidy(() => webglDots([[a, a]])[0]!.dataSync()[0]!);
    const wantSingle = av.reduce((s, x) => s + float64Dot(x, x), 0);
    rel.push(Math.abs(single - wantSingle) / wantSingle);
    cases.push({ shapes: JSON.stringify(shapes), rel });
    tf.dispose([...a, ...b]);
  }
  const leaked = tf.memory().numTensors - before;
  return { ok, backend: tf.getBackend(), webglVersion: tf.env().getNumber('WEBGL_VERSION'), cases, leaked };
}
