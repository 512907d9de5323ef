/**
 * Runs for the skip tests (optim/skip.test.ts, optim/exactStep.test.ts): a transform stepped through the functional
 * API with steps spoilt (a non-finite gradient entry or loss) or left out, and the state read back for bit-for-bit
 * comparison.
 */
import * as tf from '@tensorflow/tfjs';
import { applyStep, disposeState, readDiagnostics } from '../../optim/apply';
import { applyStepExactly } from '../../optim/exactStep';
import { SKIPPED_STEPS } from '../../optim/skip';
import type { Transform } from '../../optim/index';
import type { OptState, StepInputs } from '../../optim/types';

/** A step's departure from the good one: a gradient entry or the loss replaced by a non-finite value. */
export type Bad = { readonly in: 'grad' | 'loss'; readonly value: number; readonly param?: number };

/** Everything in a state, tensors read back: the comparison is of values, bit for bit (the counter aside). */
export async function contents(value: unknown, path = ''): Promise<[string, unknown][]> {
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
export async function run(
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
export type Start = { readonly values: number[]; readonly shape: number[] };

/** ‖x‖² + ½, the problem. */
export const bowl = (vars: tf.Variable[]) => tf.add(tf.sum(tf.square(vars[0]!)), 0.5) as tf.Scalar;
