import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyStep, disposeState, readDiagnostics } from './apply';
import { optimizerIds, optimizerSpec } from './catalogue';
import { StepFlags } from './flags';
import { makeOptimizer, skipNonFinite, SKIPPED_STEPS, type Transform } from './index';
import { sgdDirection } from './directions';
import { l4 } from './stepsizes';
import type { OptState, StepInputs } from './types';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** A step's departure from the good one: a gradient entry or the loss replaced by a non-finite value. */
type Bad = { readonly in: 'grad' | 'loss'; readonly value: number };

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
      const spoilt = tf.tidy(() => {
        const flat = Array.from(g[0]!.dataSync());
        flat[k % flat.length] = b.value;
        return tf.tensor(flat, g[0]!.shape);
      });
      tf.dispose(g[0]!);
      g = [spoilt, ...g.slice(1)];
    } else if (b?.in === 'loss') {
      loss = tf.scalar(b.value);
      value.dispose();
    }
    const inputs: StepInputs = { loss };
    state = applyStep(t, vars, g, state, inputs);
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
