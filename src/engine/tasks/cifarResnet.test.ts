import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from '../nodeBackend';
import { runLoop } from '../loop';
import { Runner } from '../runner';
import { makeRng } from '../../lib/rng';
import type { RgbSet } from '../../tasks/data/cifar';
import { createTask } from '../../tasks';

beforeAll(async () => {
  // The ResNet trains on WASM with the lab's Conv2DBackpropFilter (engine/wasmConv.ts).
  expect(await startNodeBackend('wasm', 'cifar10-resnet')).toEqual({ backend: 'wasm', fallbackReason: null });
});

/** Synthetic CIFAR-format images: class c is a uniform colour (c·25) plus noise. */
function synthetic(n: number, seed: number): RgbSet {
  const rng = makeRng(seed, 'fixture');
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 3072; p++) images[i * 3072 + p] = Math.min(255, (i % 2) * 120 + 60 + Math.floor(rng.uniform() * 40));
  }
  return { n, images, labels };
}
const cifar10 = { train: synthetic(32, 1), test: synthetic(16, 2) };

describe('cifar10-resnet', () => {
  it('ResNet-20 and ResNet-32 have 6n+2 layers of the paper’s shapes', () => {
    const r20 = createTask('cifar10-resnet', { width: 2, batchSize: 4 }, 1, { cifar10 });
    // stem conv + 2 per block (9 blocks) + 2 projections = 21 conv kernels, + the dense kernel.
    expect(r20.params.filter((p) => p.rank === 4)).toHaveLength(1 + 18 + 2);
    expect(r20.params.at(-2)!.shape).toEqual([8, 10]);
    r20.dispose();
    const r32 = createTask('cifar10-resnet', { depth: 32, width: 2, batchSize: 4 }, 1, { cifar10 });
    expect(r32.params.filter((p) => p.rank === 4)).toHaveLength(1 + 30 + 2);
    r32.dispose();
    expect(() => createTask('cifar10-resnet', { depth: 21 }, 1, { cifar10 })).toThrow(/depth must be 6n \+ 2/);
    expect(() => createTask('cifar10-resnet', {}, 1, {})).toThrow(/needs the CIFAR-10 binary batches/);
  });

  it('a narrow ResNet-8 trains a step at a time with L4Mom (loss incl. L2 falls), leak-free', async () => {
    const before = tf.memory().numTensors;
    const task = createTask('cifar10-resnet', { depth: 8, width: 4, batchSize: 8, weightDecay: 2e-4 }, 1, { cifar10 });
    const runner = new Runner(task, 'l4mom', {}, { steps: 12 });
    const losses: number[] = [];
    await runLoop(runner, { onChunk: (c) => losses.push(...c.columns.loss) });
    expect(losses).toHaveLength(12);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Math.min(...losses.slice(-4))).toBeLessThan(losses[0]!);
    const e = await task.evaluate!();
    expect(Number.isFinite(e.testLoss)).toBe(true);
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('batch norm keeps running averages of the batch statistics while training; evaluation uses them', async () => {
    const before = tf.memory().numTensors;
    const task = createTask('cifar10-resnet', { depth: 8, width: 2, batchSize: 8, weightDecay: 0 }, 3, { cifar10 });
    // Evaluation with the initial running averages (mean 0, variance 1) …
    const fresh = await task.evaluate!();
    // … then one training forward pass updates them: after k passes the stem's running mean is
    // (1 − 0.99^k) of the batch means' average, far from 0 for these bright images.
    const loss = () => tf.tidy(() => task.batchLoss(0)());
    for (let k = 0; k < 3; k++) tf.dispose(loss());
    const after = await task.evaluate!();
    expect(after.testLoss).not.toBeCloseTo(fresh.testLoss, 3);
    // The training loss is unchanged by the averages (it normalises with the batch's own statistics).
    const l1 = loss();
    const l2 = loss();
    expect((await l1.data())[0]).toBeCloseTo((await l2.data())[0]!, 5);
    tf.dispose([l1, l2]);
    task.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
