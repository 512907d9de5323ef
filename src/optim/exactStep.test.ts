import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { readDiagnostics } from './apply';
import { optimizerIds } from './catalogue';
import { makeOptimizer, skipNonFinite, SKIPPED_STEPS, TransformOptimizer, type Transform } from './index';
import { withoutSkip } from './skip';
import type { OptState } from './types';
import { bowl, contents, run, type Bad, type Start } from '../testing/optim/skipRuns';

describe('the functional applyStepExactly skips exactly where the device judges (forced here on cpu)', () => {
  // Where the device judges, a bare applyStep keeps every tensor of a skipped step but moves the count on;
  // applyStepExactly awaits the verdict and takes the step again as a known skip: the run equals the host's without it.
  const spoilt = new Map<number, Bad>([
    [3, { in: 'grad', value: NaN }],
    [6, { in: 'loss', value: -Infinity }],
  ]);
  const start: Start[] = [{ values: [1, 2, 3], shape: [3] }];
  it('a bare applyStep on the device path keeps the tensors but moves its count on', async () => {
    await tf.setBackend('cpu');
    const device = skipNonFinite(withoutSkip(makeOptimizer('adam')), { onDevice: true });
    const bare = await run(device, start, bowl, 12, spoilt, new Set());
    const without = await run(makeOptimizer('adam'), start, bowl, 12, new Map(), new Set([3, 6]));
    expect(bare.state.find(([k]) => k === '.count')).toEqual(['.count', 12]);
    expect(without.state.find(([k]) => k === '.count')).toEqual(['.count', 10]);
    expect(bare.params).not.toEqual(without.params);
  });
  for (const id of optimizerIds())
    it(id, async () => {
      await tf.setBackend('cpu');
      const before = tf.memory().numTensors;
      const device = skipNonFinite(withoutSkip(makeOptimizer(id)), { onDevice: true });
      const exact = await run(device, start, bowl, 12, spoilt, new Set(), { exactly: true });
      const without = await run(makeOptimizer(id), start, bowl, 12, new Map(), new Set([3, 6]));
      expect(exact.params).toEqual(without.params);
      expect(exact.state).toEqual(without.state);
      expect(exact.skipped).toBe(2);
      expect(tf.memory().numTensors).toBe(before);
    });
});

/** A class that hears its verdicts asynchronously, as on WebGPU. */
class HearsLater extends TransformOptimizer {
  protected override readsVerdictsAtOnce(): boolean {
    return false;
  }
}

describe('the tf.Optimizer classes skip exactly where the device judges (WebGL, WebGPU; forced here on cpu)', () => {
  // Each catalogue optimizer as a class, stepped by applyGradients with spoilt steps, against the same class judging
  // on the host: parameters, the whole state (the step count and the skip counter included) equal, bit for bit.
  const spoilt = new Map<number, Bad>([
    [2, { in: 'grad', value: NaN }],
    [5, { in: 'loss', value: Infinity }],
    [6, { in: 'grad', value: -Infinity, param: 1 }],
  ]);
  const start: Start[] = [
    { values: [1, -2, 3, 0.5, -1, 2], shape: [2, 3] },
    { values: [0.3, -0.7], shape: [2] },
  ];
  const f = (vars: tf.Variable[]) => tf.add(tf.add(tf.sum(tf.square(vars[0]!)), tf.sum(tf.abs(vars[1]!))), 0.5) as tf.Scalar;
  async function classRun(t: Transform, { later = false } = {}) {
    const vars = start.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(s.values, s.shape), true, `cls_${i}_${Math.random()}`)));
    const opt = later ? new HearsLater(t) : new TransformOptimizer(t);
    for (let k = 0; k < 9; k++) {
      const { value, grads } = tf.variableGrads(() => f(vars), vars);
      const b = spoilt.get(k);
      let loss = value;
      if (b?.in === 'loss') loss = tf.scalar(b.value);
      const named = vars.map((v, i) => {
        const g = grads[v.name]!;
        if (b?.in !== 'grad' || (b.param ?? 0) !== i) return { name: v.name, tensor: g };
        const flat = Array.from(g.dataSync());
        flat[k % flat.length] = b.value;
        return { name: v.name, tensor: tf.tensor(flat, g.shape) };
      });
      opt.applyGradients(named, { loss });
      tf.dispose([value, loss, ...Object.values(grads), ...named.map((n) => n.tensor)]);
      // As on WebGPU with each verdict awaited before the next step.
      if (later) await opt.checkLastStep();
    }
    if (later) expect(opt.lateVerdicts).toBe(0);
    const params = await Promise.all(vars.map(async (v) => Array.from(await v.data())));
    const state = (opt as unknown as { state: OptState }).state;
    const out = { params, state: await contents(state), count: state.count, skipped: (await readDiagnostics(state))[SKIPPED_STEPS] };
    opt.dispose();
    tf.dispose(vars);
    return out;
  }
  it('a class used again after dispose() starts its skip counter again (no good step taken for a skipped one)', async () => {
    await tf.setBackend('cpu');
    const x = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, `again_${Math.random()}`));
    const opt = new TransformOptimizer(skipNonFinite(withoutSkip(makeOptimizer('adam')), { onDevice: true }));
    const steps = async (grads: number[][]) => {
      for (const v of grads) {
        const g = tf.tensor1d(v);
        opt.applyGradients([{ name: x.name, tensor: g }]);
        g.dispose();
      }
      const state = (opt as unknown as { state: OptState }).state;
      return [state.count, (await readDiagnostics(state))[SKIPPED_STEPS]];
    };
    expect(
      await steps([
        [1, 1],
        [NaN, 1],
        [1, -1],
      ]),
    ).toEqual([2, 1]);
    opt.dispose();
    expect(
      await steps([
        [1, 1],
        [0.5, 1],
      ]),
    ).toEqual([2, 0]);
    opt.dispose();
    x.dispose();
  });
  it('where verdicts come later (WebGPU), a loop that does not await them: the late skips are counted and said once', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const x = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, `late_${Math.random()}`));
    const opt = new HearsLater(skipNonFinite(withoutSkip(makeOptimizer('adam')), { onDevice: true }));
    for (const v of [
      [1, 1],
      [NaN, 1],
      [1, -1],
      [2, Infinity],
      [1, 1],
    ]) {
      const g = tf.tensor1d(v);
      opt.applyGradients([{ name: x.name, tensor: g }]);
      g.dispose();
    }
    await opt.checkLastStep();
    const state = (opt as unknown as { state: OptState }).state;
    // Both skipped steps were heard only after the next step: the count ran ahead (5 where the host path has 3).
    expect(opt.lateVerdicts).toBe(2);
    expect([state.count, (await readDiagnostics(state))[SKIPPED_STEPS]]).toEqual([5, 2]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/came back after the next step .* Await opt.checkLastStep\(\) after each step/);
    warn.mockRestore();
    opt.dispose();
    expect(opt.lateVerdicts).toBe(0);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  it('under model.fit, with each verdict awaited by a batch callback, a NaN batch is skipped exactly', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    // Three batches of 4; the second holds a NaN input (its loss and gradients are NaN).
    const xs = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const ys = xs.map(([a, b]) => [a! - 2 * b!]);
    const fit = async (rows: number[], opt: tf.Optimizer, spoil: boolean) => {
      const model = tf.sequential({
        layers: [tf.layers.dense({ inputShape: [2], units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })],
      });
      model.compile({ optimizer: opt, loss: 'meanSquaredError' });
      const x = tf.tensor2d(rows.map((i) => (spoil && i === 5 ? [NaN, 0] : xs[i]!)));
      const y = tf.tensor2d(rows.map((i) => ys[i]!));
      const hears = opt instanceof TransformOptimizer ? { onBatchEnd: () => opt.checkLastStep() } : {};
      await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0, callbacks: hears });
      const w = await Promise.all(model.getWeights().map(async (t) => Array.from(await t.data())));
      tf.dispose([x, y]);
      model.dispose();
      return w;
    };
    const all = Array.from({ length: 12 }, (_, i) => i);
    const later = new HearsLater(skipNonFinite(withoutSkip(makeOptimizer('adam')), { onDevice: true }));
    const spoilt = await fit(all, later, true);
    expect(later.lateVerdicts).toBe(0);
    const state = (later as unknown as { state: OptState }).state;
    expect([state.count, (await readDiagnostics(state))[SKIPPED_STEPS]]).toEqual([4, 2]);
    later.dispose();
    const host = new TransformOptimizer(makeOptimizer('adam'));
    expect(spoilt).toEqual(await fit([0, 1, 2, 3, 8, 9, 10, 11], host, false));
    host.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  for (const id of optimizerIds())
    it(id, async () => {
      await tf.setBackend('cpu');
      const before = tf.memory().numTensors;
      const host = await classRun(makeOptimizer(id));
      const device = await classRun(skipNonFinite(withoutSkip(makeOptimizer(id)), { onDevice: true }));
      const later = await classRun(skipNonFinite(withoutSkip(makeOptimizer(id)), { onDevice: true }), { later: true });
      expect(host.skipped).toBe(3);
      expect(host.count).toBe(6);
      expect(device).toEqual(host);
      expect(later).toEqual(host);
      expect(tf.memory().numTensors).toBe(before);
    });
});
