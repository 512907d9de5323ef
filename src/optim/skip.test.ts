import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyStep, disposeState, readDiagnostics } from './apply';
import { optimizerIds, optimizerSpec } from './catalogue';
import { StepFlags } from './flags';
import { makeOptimizer, skipNonFinite, SKIPPED_STEPS } from './index';
import { withClipping } from './clipping';
import { withoutSkip } from './skip';
import { bowl, run, type Bad, type Start } from '../testing/optim/skipRuns';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
afterAll(async () => {
  await tf.setBackend('cpu');
});

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

  it('takes Σ|g| from a transform that summed it (ScheduleFree+), and only of the gradients the guard was given', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const x = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
    // A transform that reports a non-finite Σ|g| for finite gradients: the guard believes it (it did not sum again).
    const inner = withoutSkip(makeOptimizer('adam'));
    const lying: typeof inner = { ...inner, update: (g, st, p, i) => ({ ...inner.update(g, st, p, i), gradsL1: tf.scalar(NaN) }) };
    const step = async (t: typeof inner) => {
      const s0 = t.init([x]);
      const g = tf.tensor1d([1, -1, 0.5]);
      const loss = tf.scalar(1);
      const s1 = applyStep(t, [x], [g], s0, { loss });
      const d = await readDiagnostics(s1);
      tf.dispose([g, loss]);
      disposeState(s1);
      return d.flags;
    };
    expect(await step(skipNonFinite(lying, { onDevice: true }))).toBe(StepFlags.nonFiniteDirection);
    // Clipping hands the inner transform other gradients: their sum is not taken, the guard sums its own.
    expect(await step(skipNonFinite(withClipping(lying, 10), { onDevice: true }))).toBe(0);
    // ScheduleFree+ reports its ‖g‖₁ (the one its formula uses), equal to the guard's own sum.
    const sf = withoutSkip(makeOptimizer('sf-plus'));
    const s0 = sf.init([x]);
    const l1 = tf.tidy(() => sf.update([tf.tensor1d([1, -1, 0.5])], s0, [x], { loss: tf.scalar(1) }).gradsL1!);
    expect(await l1.data()).toEqual(new Float32Array([2.5]));
    tf.dispose(l1);
    disposeState(s0);
    // On the device path a NaN gradient is skipped by that sum: the parameters stay.
    const t = skipNonFinite(sf, { onDevice: true });
    let s = t.init([x]);
    const kept = await x.data();
    const bad = tf.tensor1d([NaN, 1, Infinity]);
    const loss = tf.scalar(1);
    s = applyStep(t, [x], [bad], s, { loss });
    expect((await readDiagnostics(s)).flags).toBe(StepFlags.nonFiniteDirection);
    expect(await x.data()).toEqual(kept);
    tf.dispose([bad, loss]);
    disposeState(s);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
