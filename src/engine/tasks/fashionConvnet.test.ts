import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from '../nodeBackend';
import { runLoop } from '../loop';
import { Runner } from '../runner';
import { makeRng } from '../../lib/rng';
import type { ImageSet } from '../../tasks/data/idx';
import { createTask } from '../../tasks';

beforeAll(async () => {
  // Convolutions train on WASM with the lab's Conv2DBackpropFilter (engine/wasmConv.ts).
  const chosen = await startNodeBackend('wasm', 'fashion-convnet');
  expect(chosen).toEqual({ backend: 'wasm', fallbackReason: null });
});

/** A synthetic MNIST-format set: class c is a bright 6×6 square at a class-specific place, plus noise. */
function synthetic(n: number, seed: number): ImageSet {
  const rng = makeRng(seed, 'fixture');
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    labels[i] = c;
    const [r0, c0] = [2 + 2 * (c % 5) * 2, 4 + 12 * Math.floor(c / 5)];
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.floor(rng.uniform() * 40);
    for (let r = r0; r < r0 + 6; r++) for (let q = c0; q < c0 + 6; q++) images[i * 784 + r * 28 + q] = 255;
  }
  return { n, rows: 28, cols: 28, images, labels };
}

const data = { fashionMnist: { train: synthetic(300, 1), test: synthetic(100, 2) } };
const small = { batchSize: 10, filters1: 2, filters2: 4, dense: 16 };

describe('fashion-convnet', () => {
  it('has the benchmark ConvNet’s shapes (5×5 convs, 2×2 pools, dense, 10 logits)', () => {
    const t = createTask('fashion-convnet', {}, 1, data);
    expect(t.params.map((p) => p.shape)).toEqual([[5, 5, 1, 32], [32], [5, 5, 32, 64], [64], [3136, 1024], [1024], [1024, 10], [10]]);
    expect(t.settings).toMatchObject({ batchSize: 100, dropout: 0 });
    t.dispose();
    expect(() => createTask('fashion-convnet', { dropout: 1 }, 1, data)).toThrow(/dropout must be in \[0, 1\)/);
    expect(() => createTask('fashion-convnet', {}, 1, {})).toThrow(/needs the Fashion-MNIST data/);
  });

  it('learns a separable synthetic set with L4Mom, leak-free, and paired runs share batches', async () => {
    const before = tf.memory().numTensors;
    const task = createTask('fashion-convnet', small, 3, data);
    const twin = createTask('fashion-convnet', small, 3, data);
    const a = tf.tidy(() => task.batchLoss(17)());
    const b = tf.tidy(() => twin.batchLoss(17)());
    expect((await a.data())[0]).toBe((await b.data())[0]);
    tf.dispose([a, b]);
    twin.dispose();
    const runner = new Runner(task, 'l4mom', {}, { steps: 60 });
    await runLoop(runner);
    const e = await task.evaluate!();
    expect(e.testAccuracy!).toBeGreaterThanOrEqual(0.8); // chance is 0.1
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
