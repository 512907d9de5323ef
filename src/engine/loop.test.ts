import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, type Task } from '../tasks';
import { RunControl, runLoop } from './loop';
import { startNodeBackend } from './nodeBackend';
import { Runner, type RunStatus } from './runner';
import { concatChunks, type TraceChunk } from './trace';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A 2-D task with a held-out "test loss" (the loss at the current point), so that evaluations can be seen. */
function evaluating(steps: number, settings: Record<string, number | string> = { fn: 'quadratic' }): Runner {
  const base = createTask('functions-2d', settings, 1);
  const evaluate = async () => {
    const loss = tf.tidy(base.batchLoss(0));
    const [testLoss] = await loss.data();
    loss.dispose();
    return { testLoss: testLoss! };
  };
  const task: Task = { ...base, evaluate };
  return new Runner(task, 'l4adam', {}, { steps });
}

describe('the one training loop (engine/loop.ts)', () => {
  it('checkpoints at the start, at steps 100, 200, 400, … and at the end, so any run has points to branch from', async () => {
    const before = tf.memory().numTensors;
    const runner = new Runner(createTask('functions-2d', { fn: 'quadratic' }, 1), 'l4adam', {}, { steps: 450 });
    const steps: number[] = [];
    await runLoop(runner, { flushMs: 0, checkpointMs: 1e9, onCheckpoint: (cp) => steps.push(cp.step) });
    expect(steps).toEqual([0, 100, 200, 400, 450]);
    // A branch: a fresh runner with another α continues from step 200 and records steps 200 … 299 only.
    let at200: Parameters<Runner['restoreCheckpoint']>[0] | null = null;
    const again = new Runner(createTask('functions-2d', { fn: 'quadratic' }, 1), 'l4adam', {}, { steps: 450 });
    await runLoop(again, { flushMs: 0, checkpointMs: 1e9, onCheckpoint: (cp) => void (cp.step === 200 && (at200 = cp)) });
    const branch = new Runner(createTask('functions-2d', { fn: 'quadratic' }, 1), 'l4adam', { alpha: 0.5 }, { steps: 300 });
    branch.restoreCheckpoint(at200!);
    const chunks: TraceChunk[] = [];
    expect(await runLoop(branch, { flushMs: 0, onChunk: (c) => chunks.push(c) })).toBe('done');
    const t = concatChunks(chunks);
    expect([t.columns.step[0], t.columns.step[t.length - 1], t.length]).toEqual([200, 299, 100]);
    for (const r of [runner, again, branch]) r.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs to the end, reports each status once, and evaluates at the end as the CLI and the page both see it', async () => {
    const before = tf.memory().numTensors;
    const runner = evaluating(25);
    const statuses: RunStatus[] = [];
    const chunks: TraceChunk[] = [];
    expect(await runLoop(runner, { flushMs: 0, onChunk: (c) => chunks.push(c), onStatus: (s) => statuses.push(s) })).toBe('done');
    expect(statuses).toEqual(['running', 'done']);
    const t = concatChunks(chunks);
    expect(t.length).toBe(25);
    expect(t.evals.map((e) => e.step)).toEqual([25]);
    expect(t.evals[0]!.testLoss).toBeLessThan(t.columns.loss[0]!);
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('holds while paused, takes single steps, resumes, and a stop ends it as stopped (no final evaluation)', async () => {
    const runner = evaluating(1_000_000);
    const control = new RunControl({ paused: true });
    const abort = new AbortController();
    const statuses: RunStatus[] = [];
    let rows = 0;
    const done = runLoop(runner, {
      flushMs: 0,
      control,
      signal: abort.signal,
      onStatus: (s) => statuses.push(s),
      onChunk: (c) => (rows += c.length),
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(rows).toBe(0);
    control.step(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(rows).toBe(3);
    control.resume();
    await new Promise((r) => setTimeout(r, 50));
    expect(rows).toBeGreaterThan(3);
    abort.abort();
    expect(await done).toBe('stopped');
    expect(statuses[0]).toBe('paused');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('stopped');
    expect(runner.lastEvaluatedStep).toBe(-1);
    runner.dispose();
  });

  it('a stop while paused wakes the loop', async () => {
    const runner = evaluating(100);
    const abort = new AbortController();
    const done = runLoop(runner, { control: new RunControl({ paused: true }), signal: abort.signal });
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    expect(await done).toBe('stopped');
    runner.dispose();
  });

  it('a non-finite loss ends the run as diverged at that step, without a final evaluation', async () => {
    const runner = new Runner(createTask('functions-2d', { fn: 'quadratic', kappa: 100 }, 1), 'sgd', { learningRate: 5 }, { steps: 500 });
    const statuses: RunStatus[] = [];
    expect(await runLoop(runner, { flushMs: 0, onStatus: (s) => statuses.push(s) })).toBe('diverged');
    expect(statuses).toEqual(['running', 'diverged']);
    expect(runner.divergedAt).toBeGreaterThan(0);
    runner.dispose();
  });
});

describe('Node timers run while a run trains (BullMQ renews its job lock from a timer)', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: a 50 ms interval fires through a second of training, at least at every flush (100 ms)`, async () => {
      await startNodeBackend(backend);
      try {
        // Long enough to outlast the 1 s stop (without yields it would run to the end, seconds later, and report done).
        const runner = new Runner(createTask('regression', { kappa: 1e4 }, 1), 'l4adam', {}, { steps: 3000 });
        const control = new AbortController();
        const ticks: number[] = [];
        const interval = setInterval(() => ticks.push(performance.now()), 50);
        const stop = setTimeout(() => control.abort(), 1000);
        const t0 = performance.now();
        const status = await runLoop(runner, { signal: control.signal });
        const elapsed = performance.now() - t0;
        clearInterval(interval);
        clearTimeout(stop);
        expect(status).toBe('stopped');
        expect(runner.step).toBeGreaterThan(50);
        // The stop itself is a timer: that it ended the run at all shows timers ran. The loop yields to the event
        // loop at each flush (every 100 ms by default), so no tick waits much longer than that.
        expect(elapsed).toBeLessThan(2000);
        expect(ticks.length).toBeGreaterThanOrEqual(Math.floor(elapsed / 100) - 1);
        const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
        expect(Math.max(...gaps, ticks[0]! - t0)).toBeLessThan(300);
        runner.dispose();
      } finally {
        await tf.setBackend('cpu');
      }
    });
  }
});
