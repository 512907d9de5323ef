import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from '../nodeBackend';
import { Runner } from '../runner';
import { runLoop } from '../loop';
import type { EvalPoint } from '../trace';
import { loadMnistLike, type MnistLike } from '../../tasks/data/mnist';
import { mnistPackageSource } from '../../tasks/data/nodeSource';
import { createAlgoperfMnist } from '../../tasks/algoperfMnist';
import { taskSpec } from '../../tasks/catalogue';

let data: MnistLike;
beforeAll(async () => {
  expect((await startNodeBackend('wasm')).backend).toBe('wasm');
  data = await loadMnistLike(mnistPackageSource());
});

describe("algoperf-mnist (AlgoPerf's MNIST workload)", () => {
  it('784-128-10 on the first 50,000 images: 781 steps per epoch at batch 64, 4 evaluations an epoch, the target in its spec', async () => {
    const a = createAlgoperfMnist({}, 3, data);
    const b = createAlgoperfMnist({}, 3, data);
    expect(a.params.map((p) => p.shape)).toEqual([[784, 128], [128], [128, 10], [10]]);
    expect(a.stepsPerEpoch).toBe(781);
    expect(a.evalEvery).toBe(195);
    expect(taskSpec('algoperf-mnist')!.target).toMatchObject({ column: 'testAccuracy', above: 0.97 });
    // AlgoPerf's PyTorch init: normal weights with sd √(1/fan_in)/0.8796, zero biases; the same for the same seed.
    const w1 = Array.from(await a.params[0]!.data());
    const sd = Math.sqrt(w1.reduce((s, x) => s + x * x, 0) / w1.length);
    expect(sd / (Math.sqrt(1 / 784) / 0.87962566103423978)).toBeCloseTo(1, 1);
    expect(Array.from(await a.params[2]!.data()).slice(0, 4)).toEqual(Array.from(await b.params[2]!.data()).slice(0, 4));
    expect(Array.from(await a.params[1]!.data()).every((x) => x === 0)).toBe(true);
    // Standardised inputs: the first batch's loss is that of small random logits (near ln 10), not of raw pixels.
    const l = tf.tidy(() => a.batchLoss(0)());
    expect(Math.abs((await l.data())[0]! - Math.log(10))).toBeLessThan(0.5);
    tf.dispose(l);
    a.dispose();
    b.dispose();
    expect(() => createAlgoperfMnist({ batchSize: 50001 }, 1, data)).toThrow(/batch size must be an integer in \[1, 50000\], got 50001/);
  });

  it('Adam trains it: test accuracy, evaluated every 195 steps, passes 0.9 within 400 steps; tensors flat', async () => {
    const before = tf.memory().numTensors;
    const task = createAlgoperfMnist({}, 1, data);
    const runner = new Runner(task, 'adam', { learningRate: 1e-3 }, { steps: 400 });
    const evals: EvalPoint[] = [];
    await runLoop(runner, { onChunk: (c) => evals.push(...c.evals) });
    expect(evals.map((e) => e.step)).toEqual([195, 390, 400]);
    expect(evals.at(-1)!.testAccuracy!).toBeGreaterThan(0.9);
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
