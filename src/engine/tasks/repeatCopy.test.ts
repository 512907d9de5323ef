import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from '../nodeBackend';
import { runLoop } from '../loop';
import { Runner } from '../runner';
import { createTask } from '../../tasks';
import { repeatCopyBatch, repeatCopyLayout } from '../../tasks/repeatCopy';

beforeAll(async () => {
  expect((await startNodeBackend('wasm')).backend).toBe('wasm');
});

const s = { bits: 4, minLength: 1, maxLength: 2, minRepeats: 1, maxRepeats: 2, normMax: 10, batchSize: 16 };
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('repeat-copy as deepmind/dnc’s repeat_copy.py', () => {
  it('lays out the golden file’s sequences exactly as deepmind did (observations, targets, mask)', () => {
    const g = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'tasks', '__fixtures__', 'golden-dnc', 'dnc-tiny-seed7.json'), 'utf8'),
    ) as {
      config: { num_bits: number; norm_max: number };
      batch: { lengths: number[]; repeats: number[]; patterns: number[][][] };
      T: number;
      observations: number[][][];
      targets: number[][][];
      mask: number[][];
    };
    const b = repeatCopyLayout(g.config.num_bits, g.config.norm_max, g.batch.lengths, g.batch.repeats, g.batch.patterns);
    expect(b.time).toBe(g.T);
    // Float32 throughout: the repeat channel carries fround(R / 10) = 0.20000000298023224, as the file does.
    expect(Array.from(b.input)).toEqual(g.observations.flat(2));
    expect(Array.from(b.target)).toEqual(g.targets.flat(2));
    expect(Array.from(b.mask)).toEqual(g.mask.flat());
  });

  it('a drawn batch is as long as its longest sequence, scores L·R + 1 steps each, and is fixed by (seed, step)', () => {
    const seen = new Set<number>();
    for (let step = 0; step < 20; step++) {
      const b = repeatCopyBatch(s, 1, step);
      expect(b.time).toBe(Math.max(...b.lengths.map((L, i) => L * (b.repeats[i]! + 1) + 3)));
      seen.add(b.time);
      for (let i = 0; i < s.batchSize; i++) {
        const L = b.lengths[i]!;
        const R = b.repeats[i]!;
        expect(b.input[(0 * s.batchSize + i) * 6 + 4]).toBe(1); // start flag
        expect(b.input[((L + 1) * s.batchSize + i) * 6 + 5]).toBe(Math.fround(R / 10));
        const scored = Array.from({ length: b.time }, (_, t) => b.mask[t * s.batchSize + i]!).reduce((a, x) => a + x);
        expect(scored).toBe(R * L + 1);
        expect(b.target[((L + 2 + R * L) * s.batchSize + i) * 5 + 4]).toBe(1); // end flag
      }
    }
    // With lengths and repeats 1–2 most batches hold an L = R = 2 sequence (T = 9); some do not.
    expect(seen.has(9)).toBe(true);
    expect(Array.from(repeatCopyBatch(s, 1, 0).input)).toEqual(Array.from(repeatCopyBatch(s, 1, 0).input));
    expect(Array.from(repeatCopyBatch(s, 1, 1).input)).not.toEqual(Array.from(repeatCopyBatch(s, 1, 0).input));
  });

  it('bad settings are refused with a sentence', () => {
    expect(() => createTask('repeat-copy', { controller: 'gru' }, 1)).toThrow(/controller must be one of dnc, lstm/);
    expect(() => createTask('repeat-copy', { minLength: 3, maxLength: 2 }, 1)).toThrow(/minLength 3 exceeds maxLength 2/);
    expect(() => createTask('repeat-copy', { readHeads: 0 }, 1)).toThrow(/read heads/);
  });

  it('the DNC (the default) trained with L4Adam learns to copy, without leaks', async () => {
    const before = tf.memory().numTensors;
    const task = createTask('repeat-copy', { bits: 3, hidden: 32, memorySize: 8, wordSize: 8, readHeads: 2 }, 2);
    expect(task.settings.controller).toBe('dnc');
    expect(task.description).toMatch(/DNC controller/);
    const runner = new Runner(task, 'l4adam', {}, { steps: 200 });
    const losses: number[] = [];
    await runLoop(runner, { onChunk: (c) => losses.push(...c.columns.loss) });
    // Guessing costs ln 2 per scored bit, ≈ 5.2 nats here; a copying model gets far below it.
    expect(mean(losses.slice(0, 50))).toBeGreaterThan(4);
    expect(mean(losses.slice(-50))).toBeLessThan(0.3 * mean(losses.slice(0, 50)));
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the LSTM option trained with L4Adam lowers the loss well below guessing, without leaks', async () => {
    const before = tf.memory().numTensors;
    const task = createTask('repeat-copy', { controller: 'lstm', hidden: 32 }, 2);
    expect(task.description).toMatch(/LSTM controller/);
    const runner = new Runner(task, 'l4adam', {}, { steps: 300 });
    const losses: number[] = [];
    await runLoop(runner, { onChunk: (c) => losses.push(...c.columns.loss) });
    expect(mean(losses.slice(0, 10))).toBeGreaterThan(4);
    expect(mean(losses.slice(-30))).toBeLessThan(0.5 * mean(losses.slice(0, 10)));
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
