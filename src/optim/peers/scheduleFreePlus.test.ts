import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyStep, disposeState } from '../apply';
import { scheduleFreePlus, sfPlusBeta, type SfPlusState } from './scheduleFreePlus';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SETTINGS = { learningRate: 0.5, weightDecay: 0.1, cWarmup: 1, sfBeta1AnnealSteps: 6 };

/** ½‖A·θ − b‖² on two variables: gradients and losses that differ from step to step. */
function problem() {
  const vars: tf.Variable[] = [
    tf.variable(
      tf.tensor2d([
        [0.3, -1.2],
        [2.0, 0.7],
      ]),
    ),
    tf.variable(tf.tensor1d([0.5, -0.4])),
  ];
  const loss = (k: number) =>
    tf.tidy(() => {
      const A = tf.tensor2d([
        [1, 0.3 * Math.sin(k)],
        [0.2, 1.5],
      ]);
      const r = tf.sub(tf.add(tf.matMul(A, vars[0]!), vars[1]!), tf.tensor1d([1, -2]));
      return tf.mul(tf.sum(tf.square(r)), 0.5) as tf.Scalar;
    });
  return { vars, loss };
}

function steps(vars: tf.Variable[], loss: (k: number) => tf.Scalar, state: SfPlusState, from: number, to: number): SfPlusState {
  const t = scheduleFreePlus(SETTINGS);
  for (let k = from; k < to; k++) {
    const { value, grads } = tf.variableGrads(() => loss(k), vars);
    state = applyStep(
      t,
      vars,
      vars.map((v) => grads[v.name]!),
      state,
      { loss: value },
    );
    tf.dispose([value, ...Object.values(grads)]);
  }
  return state;
}

describe('ScheduleFree+ keeps w = z − y in place of z and x', () => {
  it('evaluates at x = y − ((1 − β)/β)·w, and a checkpoint saved with z and x resumes on the same path', async () => {
    const t = scheduleFreePlus(SETTINGS);
    const a = problem();
    let s = steps(a.vars, a.loss, t.init(a.vars), 0, 4);
    // The official code's z and x at this point, as a checkpoint of the earlier format held them.
    const beta = sfPlusBeta(s.hyper, s.count - 1);
    const z = a.vars.map((y, i) => tf.add(y, s.w[i]!));
    const x = t.evalPoint!.params(s, a.vars);
    const xWant = await Promise.all(
      a.vars.map(async (y, i) => [...(await y.data())].map((yi, j) => yi - ((1 - beta) / beta) * s.w[i]!.dataSync()[j]!)),
    );
    for (const [i, xi] of x.entries())
      expect([...(await xi.data())].map((v, j) => v - xWant[i]![j]!).every((d) => Math.abs(d) < 1e-6)).toBe(true);
    // Every tensor its own copy: the resumed run disposes what it replaces.
    const { w: _w, ...rest } = s;
    const copy = (v: unknown): unknown =>
      v instanceof tf.Tensor
        ? tf.clone(v)
        : Array.isArray(v)
          ? v.map(copy)
          : v !== null && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, e]) => [k, copy(e)]))
            : v;
    const saved = copy({ ...rest, z, x }) as SfPlusState;
    const b = problem();
    b.vars.forEach((v, i) => v.assign(a.vars[i]!));
    // Its evaluation point is the x it saved.
    const xSaved = t.evalPoint!.params(saved, b.vars);
    for (const [i, xi] of xSaved.entries()) expect(Math.max(...(await tf.sub(xi, x[i]!).abs().data()))).toBeLessThan(1e-6);
    const before = tf.memory().numTensors;
    const r = steps(b.vars, b.loss, saved, 4, 8);
    // The saved z and x are gone once the first step has made w from them: one tensor a variable fewer.
    expect(tf.memory().numTensors).toBe(before - z.length);
    s = steps(a.vars, a.loss, s, 4, 8);
    for (const [i, v] of a.vars.entries()) {
      const [got, want] = [await b.vars[i]!.data(), await v.data()];
      for (let j = 0; j < want.length; j++) expect(Math.abs(got[j]! - want[j]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[j]!)));
    }
    expect(r.count).toBe(8);
    expect('z' in r || 'x' in r).toBe(false);
    tf.dispose([...z, ...x, ...xSaved, ...a.vars, ...b.vars]);
    disposeState(s);
    disposeState(r);
  });
});
