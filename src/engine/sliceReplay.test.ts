import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeOptimizer, optimizerIds, skipNonFinite, withoutSkip } from '../optim';
import { createTask } from '../tasks';
import { Runner } from './runner';
import { serialize } from './snapshot';
import { concatChunks, type TraceChunk } from './trace';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('a skipped step judged on the device (WebGL, WebGPU; forced here on cpu) is trained again', () => {
  // Spoilt batches: NaN in the loss (and so in every gradient), or +Inf in the gradients only.
  const spoilt = (bad: ReadonlyMap<number, 'nan' | 'inf'>) => {
    const task = createTask('functions-2d', { fn: 'quadratic' }, 3);
    const batchLoss = task.batchLoss.bind(task);
    task.batchLoss = (k) => {
      const how = bad.get(k);
      if (how === undefined) return batchLoss(k);
      // +Inf in W1's gradient, the loss finite: a term of value 0 whose gradient is +Inf.
      const infGrad = tf.customGrad((x) => ({
        value: tf.sum(tf.mul(x as tf.Tensor, 0)),
        gradFunc: () => tf.fill((x as tf.Tensor).shape, Infinity),
      }));
      return how === 'nan'
        ? () => tf.mul(batchLoss(k)(), NaN) as tf.Scalar
        : () => tf.add(batchLoss(k)(), infGrad(task.params[0]!)) as tf.Scalar;
    };
    return task;
  };
  /** Trains 17 steps, flushing after every 5 (so skips fall mid-slice and at its edges); a live change at step 7. */
  async function train(id: string, onDevice: boolean, bad: ReadonlyMap<number, 'nan' | 'inf'>, maxConsecutiveSkips?: number) {
    const t = onDevice ? skipNonFinite(withoutSkip(makeOptimizer(id)), { onDevice: true }) : makeOptimizer(id);
    const runner = new Runner(spoilt(bad), t, {}, { steps: 17, ...(maxConsecutiveSkips ? { maxConsecutiveSkips } : {}) });
    const chunks: TraceChunk[] = [];
    const live = ['learningRate', 'alpha', 'lr'].find((k) => typeof runner.hyper[k] === 'number');
    for (let k = 0; k < 17 && !runner.finished; k++) {
      if (k === 7 && live) runner.setHyper({ [live]: (runner.hyper[live] as number) * 0.5 });
      runner.trainStep();
      if (k % 5 === 4) chunks.push((await runner.flush())!);
    }
    const last = await runner.flush();
    if (last) chunks.push(last);
    const trace = concatChunks(chunks);
    const columns = Object.fromEntries(
      Object.entries(trace.columns)
        .filter(([k]) => k !== 'wallTime')
        .map(([k, v]) => [k, Array.from(v)]),
    );
    const params = await Promise.all(runner.task.params.map(async (p) => Array.from(await p.data())));
    // Plain arrays: a tensor's values compare, not the class of array tfjs returned them in.
    const state = JSON.parse(
      JSON.stringify(await serialize((runner as unknown as { state: unknown }).state), (_, v: unknown) =>
        ArrayBuffer.isView(v) ? Array.from(v as Float32Array, String) : v,
      ),
    ) as { count: number };
    const end = { divergedAt: runner.divergedAt, reason: runner.divergedReason, flushedStep: runner.flushedStep };
    runner.dispose();
    return { columns, params, state, end };
  }

  it('every optimizer: the run equals the host path’s bit for bit (trace, parameters, state, the count), no leaks', async () => {
    const bad = new Map([
      [2, 'nan'],
      [4, 'inf'],
      [5, 'nan'],
      [11, 'inf'],
    ] as const);
    const before = tf.memory().numTensors;
    for (const id of optimizerIds()) {
      const host = await train(id, false, bad);
      const device = await train(id, true, bad);
      expect(host.state.count, id).toBe(17 - bad.size);
      expect(host.columns.skippedSteps, id).toEqual([0, 0, 1, 1, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4]);
      expect(device.columns, id).toEqual(host.columns);
      expect(device.params, id).toEqual(host.params);
      expect(device.state, id).toEqual(host.state);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a streak of skipped steps ends the run at its first step, the same way on either path', async () => {
    const before = tf.memory().numTensors;
    const bad = new Map(Array.from({ length: 12 }, (_, i) => [i + 3, i % 2 ? 'inf' : 'nan'] as const));
    for (const id of ['adam', 'l4adam', 'prodigy']) {
      const host = await train(id, false, bad, 4);
      const device = await train(id, true, bad, 4);
      expect(host.end, id).toEqual({
        divergedAt: 3,
        reason: expect.stringMatching(/^4 steps in a row were skipped from step 3 on/),
        flushedStep: 7,
      });
      expect(device, id).toEqual(host);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without a skip nothing is trained twice, and the clones of the slice’s start are let go', async () => {
    const before = tf.memory().numTensors;
    const host = await train('l4adam', false, new Map());
    const device = await train('l4adam', true, new Map());
    expect(device).toEqual(host);
    expect(host.state.count).toBe(17);
    expect(tf.memory().numTensors).toBe(before);
  });
});
