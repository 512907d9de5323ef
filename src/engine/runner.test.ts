import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, type Task } from '../tasks';
import { runLoop } from './loop';
import { Runner } from './runner';
import { StepFlags } from '../optim';
import { concatChunks, type TraceChunk } from './trace';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function train(
  task: string,
  settings: Record<string, number | string>,
  optimizer: string,
  options: Record<string, number>,
  steps: number,
  seed = 1,
) {
  const runner = new Runner(createTask(task, settings, seed), optimizer, options, { steps });
  const chunks: TraceChunk[] = [];
  await runLoop(runner, { onChunk: (c) => chunks.push(c), flushMs: 0 });
  return { runner, trace: concatChunks(chunks) };
}

describe('Runner', () => {
  it('trains regression with L4Adam: every step traced, loss falls, L4 diagnostics present, no leaks', async () => {
    const before = tf.memory().numTensors;
    const { runner, trace } = await train('regression', { kappa: 1e5 }, 'l4adam', {}, 200);
    expect(runner.status).toBe('done');
    expect(trace.length).toBe(200);
    expect(Array.from(trace.columns.step.subarray(0, 3))).toEqual([0, 1, 2]);
    const loss = trace.columns.loss;
    expect(loss[199]!).toBeLessThan(loss[0]! / 10);
    expect(trace.columns.lossMin![0]).toBeCloseTo(loss[0]! * 0.75 * 1.001, 0);
    expect(trace.columns.effectiveLr!.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    expect(trace.columns.wallTime[199]!).toBeGreaterThan(trace.columns.wallTime[0]!);
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a trace has the columns its optimizer declares: baselines have no L4 columns, L4 has its own', async () => {
    const { runner, trace } = await train('regression', { kappa: 1e5 }, 'adam', { learningRate: 1e-3 }, 5);
    expect(Object.keys(trace.columns)).toEqual(['step', 'loss', 'effectiveLr', 'updateNorm', 'flags', 'skippedSteps', 'wallTime']);
    expect(trace.columns.lossMin).toBeUndefined();
    expect(trace.columns.effectiveLr![0]).toBeCloseTo(1e-3, 7);
    runner.dispose();
    // Polyak's own diagnostics reach the trace (they used to be dropped).
    const p = await train('functions-2d', { fn: 'quadratic' }, 'polyak', { maxLr: 0.05 }, 5);
    expect(Object.keys(p.trace.columns)).toEqual([
      'step',
      'loss',
      'effectiveLr',
      'updateNorm',
      'flags',
      'skippedSteps',
      'uncappedLr',
      'capped',
      'gDotV',
      'numerator',
      'wallTime',
    ]);
    expect(Array.from(p.trace.columns.capped!)).toEqual([1, 1, 1, 1, 1].map((x, i) => (p.trace.columns.uncappedLr![i]! > 0.05 ? x : 0)));
    expect(p.trace.columns.effectiveLr!.every((x) => x <= 0.05 + 1e-9)).toBe(true);
    p.runner.dispose();
  });

  it('a diverging run skips its non-finite steps and ends as diverged after 50 of them in a row, at the first', async () => {
    const before = tf.memory().numTensors;
    const { runner, trace } = await train('regression', {}, 'sgd', { learningRate: 1 }, 200);
    expect(runner.status).toBe('diverged');
    const at = runner.divergedAt!;
    expect(at).toBeLessThan(30);
    expect(trace.length).toBe(at + 50);
    const loss = trace.columns.loss;
    const skipped = trace.columns.skippedSteps!;
    expect(Number.isFinite(loss[at - 1]!)).toBe(true);
    expect(Number.isFinite(loss[at]!)).toBe(false);
    expect(skipped[at - 1]).toBe(0);
    expect(Array.from(skipped.subarray(at))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(runner.divergedReason).toMatch(
      new RegExp(`^50 steps in a row were skipped from step ${at} on \\(non-finite loss: (NaN|Infinity)\\)`),
    );
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a few bad batches are skipped and counted, and the run goes on; the streak that ends a run is a setting', async () => {
    const before = tf.memory().numTensors;
    const spoilt = (bad: (k: number) => boolean) => {
      const task = createTask('regression', { kappa: 10 }, 1);
      const batchLoss = task.batchLoss.bind(task);
      task.batchLoss = (k) => (bad(k) ? () => tf.mul(batchLoss(k)(), NaN) as tf.Scalar : batchLoss(k));
      return task;
    };
    const a = new Runner(
      spoilt((k) => k === 5 || k === 6 || k === 12),
      'l4adam',
      {},
      { steps: 30 },
    );
    const chunks: TraceChunk[] = [];
    expect(await runLoop(a, { onChunk: (c) => chunks.push(c), flushMs: 0 })).toBe('done');
    const trace = concatChunks(chunks);
    expect(trace.length).toBe(30);
    const skipped = Array.from(trace.columns.skippedSteps!);
    expect(skipped.slice(4, 14)).toEqual([0, 1, 2, 2, 2, 2, 2, 2, 3, 3]);
    expect(skipped[29]).toBe(3);
    expect(trace.columns.flags![5]).toBe(StepFlags.nonFiniteLoss | StepFlags.nonFiniteDirection);
    expect(trace.columns.effectiveLr![5]).toBe(0);
    expect(trace.columns.loss[29]!).toBeLessThan(trace.columns.loss[0]!);
    a.dispose();
    const b = new Runner(
      spoilt((k) => k >= 4),
      'adam',
      {},
      { steps: 30, maxConsecutiveSkips: 3 },
    );
    expect(await runLoop(b, { flushMs: 0 })).toBe('diverged');
    expect(b.divergedAt).toBe(4);
    expect(b.flushedStep).toBe(7);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records live hyperparameter changes, which apply from the next step', async () => {
    const runner = new Runner(createTask('functions-2d', { fn: 'quadratic' }, 1), 'l4mom', {}, { steps: 10 });
    for (let i = 0; i < 5; i++) runner.trainStep();
    runner.setHyper({ alpha: 0.3 });
    for (let i = 0; i < 5; i++) runner.trainStep();
    const chunk = (await runner.flush())!;
    expect(chunk.events).toEqual([{ step: 5, patch: { alpha: 0.3 } }]);
    expect(runner.hyper.alpha).toBe(0.3);
    expect(() => runner.setHyper({ alpha: -1 })).toThrow(/alpha must be in/);
    runner.dispose();
  });

  it('restoring a serialized checkpoint and replaying gives the same trajectory; branching changes it', async () => {
    const before = tf.memory().numTensors;
    const make = () => new Runner(createTask('functions-2d', { fn: 'rosenbrock' }, 1), 'l4adam', {}, { steps: 40 });
    const steps = async (r: Runner, n: number) => {
      for (let i = 0; i < n; i++) r.trainStep();
      return (await r.flush())!;
    };
    const runner = make();
    await steps(runner, 10);
    const cp = await runner.exportCheckpoint();
    const first = await steps(runner, 20);
    const replay = make();
    replay.restoreCheckpoint(cp);
    const again = await steps(replay, 20);
    expect(Array.from(again.columns.step.subarray(0, 1))).toEqual([10]);
    expect(Array.from(again.columns.loss)).toEqual(Array.from(first.columns.loss));
    const branch = make();
    branch.restoreCheckpoint(cp);
    branch.setHyper({ alpha: 0.05 });
    const other = await steps(branch, 20);
    expect(other.columns.loss[19]).not.toBe(first.columns.loss[19]);
    for (const r of [runner, replay, branch]) r.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the tensor count stays flat while training', async () => {
    const runner = new Runner(createTask('functions-2d', { fn: 'beale' }, 3), 'l4adam', {}, { steps: 600 });
    const counts: number[] = [];
    for (let i = 0; i < 600; i++) {
      runner.trainStep();
      if (i % 100 === 99) {
        await runner.flush();
        counts.push(tf.memory().numTensors);
      }
    }
    expect(new Set(counts).size).toBe(1);
    runner.dispose();
  });
});

describe('paired runs', () => {
  /** The losses a run recorded, step by step. */
  const losses = async (
    task: string,
    settings: Record<string, number | string>,
    seed: number,
    optimizer: string,
    options: Record<string, number>,
  ) => {
    const { runner, trace } = await train(task, settings, optimizer, options, 12, seed);
    runner.dispose();
    return Array.from(trace.columns.loss);
  };

  it('two runs with the same seed see the same initial weights and batches whatever the optimizer; another seed does not', async () => {
    // At a negligible learning rate the weights stay put, so each step's loss is the loss of that step's batch
    // at the initial weights: equal sequences mean equal weights and equal batches.
    for (const [task, settings] of [
      ['repeat-copy', { bits: 3, batchSize: 4, hidden: 8 }],
      ['regression', { samples: 50 }],
      ['functions-2d', { fn: 'rastrigin', noise: 0.1 }],
    ] as const) {
      const sgd = await losses(task, settings, 5, 'sgd', { learningRate: 1e-12 });
      const momentum = await losses(task, settings, 5, 'momentum', { learningRate: 1e-12 });
      const otherSeed = await losses(task, settings, 6, 'sgd', { learningRate: 1e-12 });
      expect(sgd, task).toHaveLength(12);
      expect(momentum, task).toEqual(sgd);
      // The batches (and, where the task draws them, the weights) change with the seed.
      expect(otherSeed.filter((l, k) => Math.abs(l - sgd[k]!) > 1e-6 * Math.abs(l)).length, task).toBeGreaterThan(6);
      // Stochastic tasks: the batches differ from step to step within a run, too.
      if (task !== 'regression') expect(new Set(sgd).size, task).toBeGreaterThan(6);
    }
  });
});

describe('trajectories of tiny tasks', () => {
  it('records θ after every step for ≤ 4 parameters, and not for larger tasks', async () => {
    const chunks: TraceChunk[] = [];
    const r2 = new Runner(createTask('functions-2d', { fn: 'quadratic', kappa: 1 }, 1), 'sgd', { learningRate: 0.1 }, { steps: 2 });
    await runLoop(r2, { onChunk: (c) => chunks.push(c), flushMs: 0 });
    const t = concatChunks(chunks);
    expect(t.thetaDim).toBe(2);
    // ½(x² + y²) from (1.5, −2) with lr 0.1: θ ← 0.9·θ.
    expect(Array.from(t.theta!).map((v) => Number(v.toFixed(5)))).toEqual([1.35, -1.8, 1.215, -1.62]);
    r2.dispose();
    const big = new Runner(createTask('regression', {}, 1), 'sgd', { learningRate: 1e-6 }, { steps: 1 });
    big.trainStep();
    expect((await big.flush())!.theta).toBeUndefined();
    big.dispose();
  });
});

describe('checkpoints as data (resume after a reload)', () => {
  it('a run restored from an exported checkpoint continues exactly as the original', async () => {
    const before = tf.memory().numTensors;
    const make = () => new Runner(createTask('regression', { kappa: 1e4 }, 2), 'l4adam', {}, { steps: 40 });
    const original = make();
    for (let i = 0; i < 20; i++) original.trainStep();
    await original.flush();
    const cp = await original.exportCheckpoint();
    expect(cp.step).toBe(20);
    // Through structured clone, as postMessage and IndexedDB do.
    const copy = structuredClone(cp);
    for (let i = 0; i < 20; i++) original.trainStep();
    const rest = (await original.flush())!;
    const resumed = make();
    resumed.restoreCheckpoint(copy);
    for (let i = 0; i < 20; i++) resumed.trainStep();
    const again = (await resumed.flush())!;
    expect(Array.from(again.columns.step)).toEqual(Array.from(rest.columns.step));
    expect(Array.from(again.columns.loss)).toEqual(Array.from(rest.columns.loss));
    expect(Array.from(again.columns.lossMin!)).toEqual(Array.from(rest.columns.lossMin!));
    original.dispose();
    resumed.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const other = new Runner(createTask('functions-2d', {}, 1), 'l4adam', {}, { steps: 1 });
    expect(() => other.restoreCheckpoint(copy)).toThrow(/does not fit this task/);
    other.dispose();
  });
});

describe('Runner: the optimizer’s own evaluation point', () => {
  /** A one-parameter task whose "test loss" is its parameter itself, so an evaluation shows where it was taken. */
  function probeTask(): Task {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([4]), true, `probe_${Math.random()}`));
    return {
      id: 'probe',
      description: 'w², evaluated as w',
      settings: {},
      params: [w],
      stepsPerEpoch: 5,
      batchLoss: () => () => tf.sum(tf.square(w)) as tf.Scalar,
      evaluate: async () => ({ testLoss: (await w.data())[0]! }),
      dispose: () => w.dispose(),
    };
  }

  for (const [optimizer, at, options] of [
    ['sf-sgd', 'x', { learningRate: 0.1 }],
    ['dog', 'average', { repsRel: 0.1 }],
  ] as const) {
    it(`${optimizer}: evaluations are taken at its ${at}, the trained parameters reported beside, and left as they were`, async () => {
      const before = tf.memory().numTensors;
      const task = probeTask();
      const runner = new Runner(task, optimizer, options, { steps: 10 });
      const chunks: TraceChunk[] = [];
      await runLoop(runner, { onChunk: (c) => chunks.push(c), flushMs: 0 });
      const evals = concatChunks(chunks).evals;
      expect(evals.map((e) => e.step)).toEqual([5, 10]);
      const w = (await task.params[0]!.data())[0]!;
      const at0 = runner.transform.evalPoint!.params((runner as unknown as { state: never }).state, task.params);
      const point = (await at0[0]!.data())[0]!;
      tf.dispose(at0);
      const last = evals.at(-1)!;
      expect(last.at).toBe(at);
      expect(last.raw!.testLoss).toBe(w);
      expect(last.testLoss).toBe(point);
      expect(Math.abs(point - w)).toBeGreaterThan(1e-3);
      // The checkpoint carries the evaluation point too (Schedule-Free: y in params, z in the state, x here).
      const cp = await runner.exportCheckpoint();
      expect(cp.evalParams!.at).toBe(at);
      expect(cp.evalParams!.params[0]!.data[0]).toBe(point);
      runner.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('an optimizer without one evaluates at its parameters and reports no raw figures', async () => {
    const task = probeTask();
    const runner = new Runner(task, 'adam', { learningRate: 0.1 }, { steps: 5 });
    const chunks: TraceChunk[] = [];
    await runLoop(runner, { onChunk: (c) => chunks.push(c), flushMs: 0 });
    const last = concatChunks(chunks).evals.at(-1)!;
    expect(last.testLoss).toBe((await task.params[0]!.data())[0]);
    expect(last.at).toBeUndefined();
    expect(last.raw).toBeUndefined();
    runner.dispose();
  });

  it("the wall time is training time: the time spent evaluating is left out (AlgoPerf's submission time)", async () => {
    const task = probeTask();
    // Each evaluation takes 150 ms; one every step (the task's own period).
    const slow: Task = {
      ...task,
      evalEvery: 1,
      evaluate: async () => {
        await new Promise((r) => setTimeout(r, 150));
        return task.evaluate!();
      },
    };
    const runner = new Runner(slow, 'sgd', { learningRate: 0.1 }, { steps: 4 });
    const chunks: TraceChunk[] = [];
    await runLoop(runner, { onChunk: (c) => chunks.push(c), flushMs: 0 });
    const all = concatChunks(chunks);
    expect(all.evals.map((e) => e.step)).toEqual([1, 2, 3, 4]);
    // Three evaluations (450 ms) lie between the first and the last step; none of it is in the wall time.
    const wall = Array.from(all.columns.wallTime);
    expect(wall[3]! - wall[0]!).toBeLessThan(100);
    runner.dispose();
  });
});
