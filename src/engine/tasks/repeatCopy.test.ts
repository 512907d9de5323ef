import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from '../nodeBackend';
import { runLoop } from '../loop';
import { Runner } from '../runner';
import { createTask } from '../../tasks';
import { repeatCopyBatch } from '../../tasks/repeatCopy';

beforeAll(async () => {
  expect((await startNodeBackend('wasm')).backend).toBe('wasm');
});

const s = { bits: 4, minLength: 1, maxLength: 2, minRepeats: 1, maxRepeats: 2, batchSize: 16 };

describe('repeat-copy', () => {
  it('a batch shows start, pattern and repeat count, and asks for the pattern R times and an end flag', () => {
    const b = repeatCopyBatch(s, 1, 0);
    expect(b.time).toBe(1 + 2 + 1 + 4 + 1);
    const cin = 6;
    const cout = 5;
    for (let i = 0; i < s.batchSize; i++) {
      const inp = (t: number, c: number) => b.input[(t * s.batchSize + i) * cin + c]!;
      const tgt = (t: number, c: number) => b.target[(t * s.batchSize + i) * cout + c]!;
      expect(inp(0, 4)).toBe(1); // start flag
      // The repeat channel is set exactly once, at t = L + 1.
      const repeatAt = Array.from({ length: b.time }, (_, t) => inp(t, 5)).findIndex((v) => v > 0);
      const L = repeatAt - 1;
      const R = Math.round(inp(repeatAt, 5) * s.maxRepeats);
      expect(L).toBeGreaterThanOrEqual(1);
      expect(R).toBeGreaterThanOrEqual(1);
      for (let r = 0; r < R; r++)
        for (let t = 0; t < L; t++) for (let c = 0; c < 4; c++) expect(tgt(L + 2 + r * L + t, c)).toBe(inp(1 + t, c));
      expect(tgt(L + 2 + R * L, 4)).toBe(1); // end flag
      const scored = Array.from({ length: b.time }, (_, t) => b.mask[t * s.batchSize + i]!).reduce((a, x) => a + x);
      expect(scored).toBe(R * L + 1);
    }
    // Same seed and step, same batch; another step, another batch.
    expect(Array.from(repeatCopyBatch(s, 1, 0).input)).toEqual(Array.from(b.input));
    expect(Array.from(repeatCopyBatch(s, 1, 1).input)).not.toEqual(Array.from(b.input));
  });

  it('an LSTM trained with L4Adam lowers the NLL well below guessing, without leaks', async () => {
    const before = tf.memory().numTensors;
    const task = createTask('repeat-copy', { hidden: 32 }, 2);
    const runner = new Runner(task, 'l4adam', {}, { steps: 300 });
    const losses: number[] = [];
    await runLoop(runner, { onChunk: (c) => losses.push(...c.columns.loss) });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Guessing every bit costs ln 2 per scored bit: ~ (R·L·4 + 1)·0.69 ≈ 7 nats on average here.
    expect(mean(losses.slice(0, 10))).toBeGreaterThan(4);
    expect(mean(losses.slice(-30))).toBeLessThan(0.5 * mean(losses.slice(0, 10)));
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
