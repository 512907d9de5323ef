import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../worker/protocol';
import { inProcessWorkers } from '../testing/worker';
import { branchRun, checkpointBefore, keepCheckpoint, MAX_KEPT, startBranching, useCheckpoints } from './branches';
import { setWorkerFactory, useRuns } from './runs';
import { traceOf } from './traces';

beforeAll(async () => {
  await tf.setBackend('cpu');
  setWorkerFactory(inProcessWorkers());
  startBranching();
});

const until = async (f: () => boolean, what: string) => {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('rewind and branch', () => {
  it(`keeps at most ${MAX_KEPT} checkpoints a run, spread over it, always the first and the latest`, () => {
    for (let k = 0; k <= 15; k++) keepCheckpoint('x', { step: 100 * k, params: [], state: {} });
    const steps = useCheckpoints.getState().steps.x!;
    expect(steps).toHaveLength(MAX_KEPT);
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(1500);
    const gaps = steps.slice(1).map((s, i) => s - steps[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300);
    expect(checkpointBefore('x', 1499)!.step).toBe(steps.at(-2));
    expect(checkpointBefore('nope', 10)).toBeNull();
  });

  it('a branch continues from the checkpoint nearest before the step, with its own trace from there, and says so', async () => {
    const before = tf.memory().numTensors;
    const config: RunConfig = {
      task: 'functions-2d',
      taskSettings: { fn: 'quadratic' },
      optimizer: 'l4adam',
      optimizerOptions: {},
      seed: 1,
      steps: 450,
    };
    useRuns.getState().startRun('a.1', 'a', 1, config);
    await until(
      () => useRuns.getState().runs['a.1']!.status === 'done' && useCheckpoints.getState().steps['a.1']?.at(-1) === 450,
      'the run',
    );
    // At the start, at the first flush from steps 100, 200 and 400 on, and at the end.
    const kept = useCheckpoints.getState().steps['a.1']!;
    expect(kept).toHaveLength(5);
    expect([kept[0], kept[4]]).toEqual([0, 450]);
    expect(kept[1]).toBeGreaterThanOrEqual(100);
    expect(kept[2]).toBeGreaterThanOrEqual(200);
    expect(kept[3]).toBeGreaterThanOrEqual(400);
    const from = kept.filter((k) => k <= 250).at(-1)!;

    expect(() => branchRun('a.1', 2.5, {})).toThrow('The branch step must be a whole number ≥ 0, got 2.5.');
    expect(() => branchRun('b.9', 10, {})).toThrow('There is no run b.9.');
    expect(() => branchRun('a.1', 250, { alpha: -1 })).toThrow(/alpha \(α\) must be in \(0, 100\], got -1/);
    expect(() => branchRun('a.1', 250, {}, from)).toThrow(`The branch must train past its checkpoint at step ${from}`);

    const { id, start } = branchRun('a.1', 250, { alpha: 0.5 });
    expect([id, start]).toEqual(['a.1-b1', from]);
    await until(() => useRuns.getState().runs[id]?.status === 'done', 'the branch');
    const b = useRuns.getState().runs[id]!;
    expect(b).toMatchObject({ specId: id, seed: 1, step: 450, branch: { from: 'a.1', step: from } });
    expect(b.config.optimizerOptions.alpha).toBe(0.5);
    const t = traceOf(id)!;
    const parent = traceOf('a.1')!;
    expect([t.columns.step[0], t.length]).toEqual([from, 450 - from]);
    // The same parameters and batch at the checkpoint's step: the same loss; then α = 0.5 takes other steps.
    expect(t.columns.loss[0]).toBe(parent.columns.loss[from]);
    expect(t.columns.loss[t.length - 1]).not.toBe(parent.columns.loss[449]);
    // A second branch from the same kept checkpoint (it was copied to the worker, not given away).
    expect(branchRun('a.1', 250, { alpha: 0.25 }, 500)).toEqual({ id: 'a.1-b2', start: from });
    await until(() => useRuns.getState().runs['a.1-b2']?.status === 'done', 'the second branch');
    expect(traceOf('a.1-b2')!.columns.loss[0]).toBe(parent.columns.loss[from]);
    expect(useRuns.getState().runs['a.1-b2']!.step).toBe(500);
    useRuns.getState().removeAll();
    await until(() => Object.keys(useCheckpoints.getState().steps).every((k) => k === 'x'), 'the checkpoints to be forgotten');
    await new Promise((r) => setTimeout(r, 50));
    expect(tf.memory().numTensors).toBe(before);
  }, 30_000);
});
