import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTask } from '../tasks';
import { runLoop } from './loop';
import { Runner } from './runner';
import { concatChunks, type TraceChunk } from './trace';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function quality(optimizer: string, options: Record<string, number>, steps = 200, stepQuality = true, kappa = 1) {
  const before = tf.memory().numTensors;
  const task = createTask('functions-2d', { fn: 'quadratic', kappa }, 1);
  const runner = new Runner(task, optimizer, options, { steps, stepQuality });
  const chunks: TraceChunk[] = [];
  await runLoop(runner, { onChunk: (c) => chunks.push(c), flushMs: 0 });
  runner.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return concatChunks(chunks);
}

describe('step quality: the predicted decrease −gᵀΔθ against the decrease measured on the same batch', () => {
  it('is exact arithmetic on a quadratic: SGD at lr η on ½‖x‖² predicts η‖x‖² and measures η(1 − η/2)‖x‖²', async () => {
    const t = await quality('sgd', { learningRate: 0.5 }, 5);
    const c = t.columns;
    for (let i = 0; i < t.length; i++) {
      // ‖x‖² = 2·loss; predicted = η‖x‖², measured = η(1 − η/2)‖x‖², ratio 1 − η/2 = 0.75.
      expect(c.predictedDecrease![i]).toBeCloseTo(0.5 * 2 * c.loss[i]!, 5);
      expect(c.measuredDecrease![i]).toBeCloseTo(0.5 * 0.75 * 2 * c.loss[i]!, 5);
      expect(c.stepQuality![i]).toBeCloseTo(0.75, 5);
    }
  });

  it('α = 1.5 overshoots on the quadratic (the loss rises on some steps), α = 0.15 never does', async () => {
    // L4Mom on the quadratic with κ = 10 (at α = 1.5 it then diverges; at 0.15 it descends).
    const big = await quality('l4mom', { alpha: 1.5 }, 200, true, 10);
    const small = await quality('l4mom', { alpha: 0.15 }, 200, true, 10);
    const overshoots = (t: ReturnType<typeof concatChunks>) => Array.from(t.columns.stepQuality!).filter((q) => q <= 0).length;
    expect(overshoots(big)).toBeGreaterThan(10);
    expect(overshoots(small)).toBe(0);
    // With α = 0.15 the step is short: the measured decrease is most of the predicted one.
    const q = Array.from(small.columns.stepQuality!)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    expect(q[q.length >> 1]).toBeGreaterThan(0.5);
  });

  it('is off by default: no extra columns', async () => {
    const t = await quality('sgd', { learningRate: 0.5 }, 3, false);
    expect(t.columns.stepQuality).toBeUndefined();
    expect(t.columns.predictedDecrease).toBeUndefined();
  });
});
