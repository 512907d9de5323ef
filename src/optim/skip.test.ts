import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyStep, disposeState, readDiagnostics } from './apply';
import { optimizerIds, optimizerSpec } from './catalogue';
import { StepFlags } from './flags';
import { applyStepExactly, makeOptimizer, skipNonFinite, SKIPPED_STEPS, TransformOptimizer, type Transform } from './index';
import { withoutSkip } from './skip';
import type { OptState, StepInputs } from './types';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** A step's departure from the good one: a gradient entry or the loss replaced by a non-finite value. */
type Bad = { readonly in: 'grad' | 'loss'; readonly value: number; readonly param?: number };

/** Everything in a state, tensors read back: the comparison is of values, bit for bit (the counter aside). */
async function contents(value: unknown, path = ''): Promise<[string, unknown][]> {
  if (value instanceof tf.Tensor) return [[path, Array.from(await value.data())]];
  if (Array.isArray(value)) return (await Promise.all(value.map((v, i) => contents(v, `${path}[${i}]`)))).flat();
  if (value !== null && typeof value === 'object') {
    const out: [string, unknown][] = [];
    for (const k of Object.keys(value).sort())
      if (path !== '.diagnostics' || k !== SKIPPED_STEPS)
        out.push(...(await contents((value as Record<string, unknown>)[k], `${path}.${k}`)));
    return out;
  }
  return [[path, value]];
}

/**
 * Runs `steps` steps of `t` on `f` from `start`; the steps in `bad` are spoilt as they say, and those in `drop` are
 * not taken at all. Returns the final parameters, the state's contents and the counter.
 */
async function run(
  t: Transform,
  start: readonly Start[],
  f: (vars: tf.Variable[]) => tf.Scalar,
  steps: number,
  bad: ReadonlyMap<number, Bad>,
  drop: ReadonlySet<number>,
  { exactly = false } = {},
) {
  const vars = start.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(s.values, s.shape), true, `skip_${i}_${Math.random()}`)));
  let state: OptState = t.init(vars);
  for (let k = 0; k < steps; k++) {
    if (drop.has(k)) continue;
    const { value, grads } = tf.variableGrads(() => f(vars), vars);
    let g = vars.map((v) => grads[v.name]!);
    let loss = value;
    const b = bad.get(k);
    if (b?.in === 'grad') {
      const p = b.param ?? 0;
      const spoilt = tf.tidy(() => {
        const flat = Array.from(g[p]!.dataSync());
        flat[k % flat.length] = b.value;
        return tf.tensor(flat, g[p]!.shape);
      });
      tf.dispose(g[p]!);
      g = g.map((x, i) => (i === p ? spoilt : x));
    } else if (b?.in === 'loss') {
      loss = tf.scalar(b.value);
      value.dispose();
    }
    const inputs: StepInputs = { loss };
    state = exactly ? await applyStepExactly(t, vars, g, state, inputs) : applyStep(t, vars, g, state, inputs);
    tf.dispose([loss, ...g]);
  }
  const params = await Promise.all(vars.map(async (v) => Array.from(await v.data())));
  const all = await contents(state);
  const skipped = (await readDiagnostics(state))[SKIPPED_STEPS];
  const flags = (await readDiagnostics(state)).flags;
  disposeState(state);
  tf.dispose(vars);
  return { params, state: all, skipped, flags };
}

/** A parameter's first value. */
type Start = { readonly values: number[]; readonly shape: number[] };

/** ‖x‖² + ½, the problem. */
const bowl = (vars: tf.Variable[]) => tf.add(tf.sum(tf.square(vars[0]!)), 0.5) as tf.Scalar;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`a non-finite step is a step not taken (${backend})`, () => {
    it('the backend is up', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });

    // The table of issue 26: 30 steps of ‖x‖² + ½ from (1, 2, 3), step 10's gradient (NaN, 1, +Inf) against step 10
    // left out. Every row reads "identical", the whole state with it.
    for (const id of optimizerIds()) {
      it(`${id}: step 10's gradient (NaN, 1, +Inf) leaves the run as if step 10 had not been drawn`, async () => {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const nanAt10 = (vars: tf.Variable[]) => bowl(vars);
        const spoilt = new Map<number, Bad>([[10, { in: 'grad', value: NaN }]]);
        const t = makeOptimizer(id);
        const a = await run(t, [{ values: [1, 2, 3], shape: [3] }], nanAt10, 30, spoilt, new Set());
        const b = await run(t, [{ values: [1, 2, 3], shape: [3] }], nanAt10, 30, new Map(), new Set([10]));
        expect(a.params).toEqual(b.params);
        expect(a.state).toEqual(b.state);
        expect(a.skipped).toBe(1);
        expect(b.skipped).toBe(0);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}

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

/** mulberry32: a seeded generator, so that a failing case can be run again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BAD_VALUES: readonly Bad[] = [
  { in: 'grad', value: NaN },
  { in: 'grad', value: Infinity },
  { in: 'grad', value: -Infinity },
  { in: 'loss', value: NaN },
  { in: 'loss', value: Infinity },
  { in: 'loss', value: -Infinity },
];

/** A least-squares fit of a 4×3 matrix and a bias (a matrix for Muon, a vector for the rest), plus 0.1. */
function leastSquares(rnd: () => number) {
  const X = Array.from({ length: 6 * 4 }, () => rnd() * 2 - 1);
  const Y = Array.from({ length: 6 * 3 }, () => rnd() * 2 - 1);
  const start: Start[] = [
    { values: Array.from({ length: 12 }, () => rnd() - 0.5), shape: [4, 3] },
    { values: Array.from({ length: 3 }, () => rnd() - 0.5), shape: [3] },
  ];
  const f = (vars: tf.Variable[]) =>
    tf.tidy(() => {
      const pred = tf.add(tf.matMul(tf.tensor2d(X, [6, 4]), vars[0]!), vars[1]!);
      return tf.add(tf.mean(tf.square(tf.sub(pred, tf.tensor2d(Y, [6, 3])))), 0.1) as tf.Scalar;
    });
  return { start, f };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`property: runs with non-finite steps inserted equal the runs without them, bit for bit (${backend})`, () => {
    // Every optimizer, with weight decay (either mode) and clipping drawn at random, 14 steps of which one to three
    // are spoilt (NaN, +Inf or −Inf in a gradient entry or as the loss), never the last.
    for (const id of optimizerIds()) {
      it(id, async () => {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        for (let trial = 0; trial < 3; trial++) {
          const seed = [...id].reduce((h, c) => h * 31 + c.charCodeAt(0), 7 + trial) >>> 0;
          const rnd = random(seed);
          const { start, f } = leastSquares(rnd);
          const decay = [undefined, 'l2', 'decoupled'][Math.floor(rnd() * 3)] as 'l2' | 'decoupled' | undefined;
          const canClip = optimizerSpec(id)!.settings.some((s) => s.key === 'clipNorm');
          const options = {
            ...(decay ? { weightDecay: { mode: decay, coefficient: 0.05 } } : {}),
            ...(canClip && rnd() < 0.5 ? { clipNorm: 0.5 } : {}),
          };
          const steps = 14;
          const bad = new Map<number, Bad>();
          const count = 1 + Math.floor(rnd() * 3);
          while (bad.size < count)
            bad.set(Math.floor(rnd() * (steps - 1)), { ...BAD_VALUES[Math.floor(rnd() * 6)]!, param: Math.floor(rnd() * 2) });
          const t = makeOptimizer(id, options);
          const a = await run(t, start, f, steps, bad, new Set());
          const b = await run(t, start, f, steps, new Map(), new Set(bad.keys()));
          const what = `${id} seed ${seed} ${JSON.stringify(options)} spoilt ${JSON.stringify([...bad])}`;
          expect(a.params, what).toEqual(b.params);
          expect(a.state, what).toEqual(b.state);
          expect(a.skipped, what).toBe(bad.size);
        }
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}

describe('on the GPU backends the check runs on the device: parameters and state tensors kept, the count moves on (the runner puts it right)', () => {
  // The device path, forced on cpu (WebGL and WebGPU take it): a NaN gradient at step 3 of Adam.
  it('Adam: the parameters and moments after a skipped step are those before it; η = 0, flagged, counted', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const t = skipNonFinite(withoutSkip(makeOptimizer('adam')), { onDevice: true });
    const x = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
    let s = t.init([x]);
    const snapshots: number[][] = [];
    for (let k = 0; k < 6; k++) {
      const g = tf.tensor1d(k === 3 ? [NaN, 1, Infinity] : [1, -1, 0.5]);
      const loss = tf.scalar(k === 4 ? NaN : 1);
      const m = (s as unknown as { direction: { m: tf.Tensor[] } }).direction.m?.[0];
      snapshots.push([...(await x.data()), ...(m ? await m.data() : [])]);
      s = applyStep(t, [x], [g], s, { loss });
      tf.dispose([g, loss]);
      const d = await readDiagnostics(s);
      if (k === 3 || k === 4) {
        expect(d.effectiveLr).toBe(0);
        expect(d.updateNorm).toBe(0);
        expect(d.flags).toBe(k === 3 ? StepFlags.nonFiniteDirection : StepFlags.nonFiniteLoss);
      }
      expect(d[SKIPPED_STEPS]).toBe(k < 3 ? 0 : k === 3 ? 1 : 2);
    }
    const m = (s as unknown as { direction: { m: tf.Tensor[] } }).direction.m?.[0];
    expect(m).toBeDefined();
    // The state before step 4 and after it are those before step 3.
    expect(snapshots[4]).toEqual(snapshots[3]);
    expect(snapshots[5]).toEqual(snapshots[3]);
    // The host-side count is the one part that cannot be chosen on the device.
    expect(s.count).toBe(6);
    disposeState(s);
    x.dispose();
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
