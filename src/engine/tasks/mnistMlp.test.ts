import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from '../nodeBackend';
import { Runner } from '../runner';
import { runLoop } from '../loop';
import { loadMnistLike, type MnistLike } from '../../tasks/data/mnist';
import { mnistPackageSource } from '../../tasks/data/nodeSource';
import { createMnistMlp } from '../../tasks/mnistMlp';

let data: MnistLike;
beforeAll(async () => {
  // The MLP is 30× faster on wasm than on the cpu backend.
  expect((await startNodeBackend('wasm')).backend).toBe('wasm');
  data = await loadMnistLike(mnistPackageSource());
});

/** The packaged data with the test set cut to its first `n` images, to keep the suite fast. */
const small = (n: number): MnistLike => ({
  train: data.train,
  test: { ...data.test, n, images: data.test.images.subarray(0, n * 784), labels: data.test.labels.subarray(0, n) },
});

describe('mnist-mlp', () => {
  it('loads the packaged MNIST: 60k/10k images of 28×28, first train labels 5 0 4 1 9', () => {
    expect(data.train.n).toBe(60000);
    expect(data.test.n).toBe(10000);
    expect(Array.from(data.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
  });

  it('784-300-100-10 with 937 steps per epoch at batch 64; same seed, same weights and batches', async () => {
    const a = createMnistMlp({}, 4, data);
    const b = createMnistMlp({}, 4, data);
    expect(a.params.map((p) => p.shape)).toEqual([[784, 300], [300], [300, 100], [100], [100, 10], [10]]);
    expect(a.stepsPerEpoch).toBe(937);
    expect(Array.from(await a.params[0]!.data()).slice(0, 5)).toEqual(Array.from(await b.params[0]!.data()).slice(0, 5));
    for (const step of [0, 936, 937, 5000]) {
      const la = tf.tidy(() => a.batchLoss(step)());
      const lb = tf.tidy(() => b.batchLoss(step)());
      expect((await la.data())[0]).toBe((await lb.data())[0]);
      // The output layer starts at zero, as in the authors' notebook: every class at 1/10, loss ln 10.
      expect((await la.data())[0]).toBeCloseTo(Math.log(10), 5); // float32
      tf.dispose([la, lb]);
    }
    a.dispose();
    b.dispose();
    expect(() => createMnistMlp({ batchSize: 0 }, 1, data)).toThrow(/batch size must be an integer in \[1, 60000\], got 0/);
  });

  it('L4Adam learns in 150 steps: training loss falls and test accuracy is far above chance', async () => {
    const before = tf.memory().numTensors;
    const task = createMnistMlp({}, 1, small(500));
    const start = await task.evaluate!();
    expect(start.testAccuracy!).toBeLessThan(0.3);
    const runner = new Runner(task, 'l4adam', {}, { steps: 150 });
    const losses: number[] = [];
    await runLoop(runner, { onChunk: (c) => losses.push(...c.columns.loss) });
    const after = await task.evaluate!();
    expect(losses).toHaveLength(150);
    expect(losses.slice(-20).reduce((x, y) => x + y) / 20).toBeLessThan(losses[0]! / 3);
    expect(after.testAccuracy!).toBeGreaterThan(0.8);
    expect(after.testLoss).toBeLessThan(start.testLoss);
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
