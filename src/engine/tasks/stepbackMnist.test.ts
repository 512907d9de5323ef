import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from '../nodeBackend';
import { Runner } from '../runner';
import { runLoop } from '../loop';
import { loadMnistLike, type MnistLike } from '../../tasks/data/mnist';
import { mnistPackageSource } from '../../tasks/data/nodeSource';
import { createStepbackMnist } from '../../tasks/stepbackMnist';

let data: MnistLike;
beforeAll(async () => {
  expect((await startNodeBackend('wasm')).backend).toBe('wasm');
  data = await loadMnistLike(mnistPackageSource());
});

describe("stepback-mnist (MoMo's MNIST MLP)", () => {
  it("784-100-100-10 at batch 128 (468 steps an epoch), PyTorch's default init: weights and biases uniform in ±1/√fan_in", async () => {
    const task = createStepbackMnist({}, 2, data);
    expect(task.params.map((p) => p.shape)).toEqual([[784, 100], [100], [100, 100], [100], [100, 10], [10]]);
    expect(task.stepsPerEpoch).toBe(468);
    for (const [i, fanIn] of [
      [0, 784],
      [1, 784],
      [4, 100],
      [5, 100],
    ] as const) {
      const v = Array.from(await task.params[i]!.data());
      const bound = 1 / Math.sqrt(fanIn);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      // Uniform on ±b: the mean square is b²/3.
      expect(v.reduce((a, x) => a + x * x, 0) / v.length / ((bound * bound) / 3)).toBeCloseTo(1, 0);
    }
    task.dispose();
  });

  it('Adam at 1e-3 passes 90 % test accuracy after one epoch; tensors flat', async () => {
    const before = tf.memory().numTensors;
    const task = createStepbackMnist({}, 1, data);
    const runner = new Runner(task, 'adam', { learningRate: 1e-3, epsilon: 1e-8 }, { steps: 468 });
    const accuracies: number[] = [];
    await runLoop(runner, { onChunk: (c) => accuracies.push(...c.evals.map((e) => e.testAccuracy!)) });
    expect(accuracies).toHaveLength(1);
    expect(accuracies[0]!).toBeGreaterThan(0.9);
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
