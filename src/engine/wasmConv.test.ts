import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from './nodeBackend';
import { makeRng } from '../lib/rng';

beforeAll(async () => {
  expect((await startNodeBackend('wasm')).backend).toBe('wasm');
});

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
}

describe('Conv2DBackpropFilter on wasm (im2col and one XNNPACK product)', () => {
  const cases: Case[] = [
    // The Fashion-MNIST ConvNet's two layers (batch 4) and a ResNet block's shapes, strides, paddings, sizes 1.
    { x: [4, 28, 28, 1], filter: [5, 5, 1, 8], strides: 1, pad: 'same' },
    { x: [4, 14, 14, 8], filter: [5, 5, 8, 16], strides: 1, pad: 'same' },
    { x: [2, 16, 16, 16], filter: [3, 3, 16, 32], strides: 2, pad: 'same' },
    { x: [2, 9, 11, 3], filter: [3, 2, 3, 5], strides: [2, 3], pad: 'valid' },
    { x: [3, 8, 8, 4], filter: [1, 1, 4, 6], strides: 2, pad: 'valid' },
    { x: [1, 7, 7, 2], filter: [3, 3, 2, 1], strides: 1, pad: 1 },
    {
      x: [1, 6, 5, 2],
      filter: [2, 3, 2, 3],
      strides: 1,
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
    { x: [1, 1, 1, 1], filter: [1, 1, 1, 1], strides: 1, pad: 'same' },
  ];
  const rng = makeRng(3, 'conv');
  const random = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 2 - 1);

  for (const c of cases) {
    it(`x ${c.x}, filter ${c.filter}, strides ${c.strides}, pad ${JSON.stringify(c.pad)}: both gradients equal cpu's`, async () => {
      const xv = random(c.x);
      const wv = random(c.filter);
      let dyv: Float32Array | undefined;
      const grads: Record<string, Float32Array[]> = {};
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const dataIds = tf.engine().backend.numDataIds();
        const x = tf.tensor4d(xv, c.x);
        const w = tf.tensor4d(wv, c.filter);
        const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, c.strides, c.pad);
        const outShape = tf.tidy(() => conv(x, w).shape);
        dyv ??= random(outShape);
        const dy = tf.tensor4d(dyv, outShape);
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a as tf.Tensor4D, b as tf.Tensor4D))([x, w], dy);
        expect(dw!.shape).toEqual(c.filter);
        grads[backend] = [(await dx!.data()) as Float32Array, (await dw!.data()) as Float32Array];
        tf.dispose([x, w, dy, dx!, dw!]);
        expect(tf.memory().numTensors).toBe(before);
        expect(tf.engine().backend.numDataIds()).toBe(dataIds);
      }
      // Float32 sums in another order: within 1e-5 of the largest entry (a missing or shifted tap is ≥ 1e-2).
      for (const i of [0, 1]) {
        const cpu = grads.cpu![i]!;
        const wasm = grads.wasm![i]!;
        const scale = cpu.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
        let worst = 0;
        cpu.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - wasm[j]!) / scale)));
        expect(worst, i === 0 ? 'dx' : 'dW').toBeLessThan(1e-5);
      }
    });
  }

  it('says what it supports: NHWC only', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 2, 4, 4]);
    const dy = tf.zeros([1, 2, 4, 4]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 2, 2] }),
    ).toThrow(/NHWC layout only/);
    tf.dispose([x, dy]);
  });
});
