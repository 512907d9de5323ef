import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sgdDirection } from '../../optim/directions';
import { l4, polyak, sgd, type Transform } from '../../optim';
import { applyStep, disposeState, readDiagnostics } from '../../optim/apply';
import { DEFAULT_1D, FUNCTIONS_1D, lossAt, run1d, type Fn1D, type Step1dSettings } from './step1d';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The same steps through the optimizer library (float32, device scalars). */
async function viaLibrary(s: Step1dSettings, x0: number, n: number) {
  const t: Transform =
    s.rule === 'l4'
      ? l4(sgdDirection(), { alpha: s.alpha, gamma: s.gamma, tau: s.tau, gamma0: s.gamma0, gradTimescale: 1 })
      : s.rule === 'polyak'
        ? polyak({ alpha: s.alpha, fStar: s.fStar })
        : sgd({ learningRate: s.lr });
  const x = tf.tidy(() => tf.variable(tf.scalar(x0)));
  let state = t.init([x]);
  const out: { x: number; eta: number; lossMin: number | undefined }[] = [];
  for (let i = 0; i < n; i++) {
    const xv = (await x.data())[0]!;
    const { loss, g } = lossAt(s, xv);
    const L = tf.scalar(loss);
    const G = tf.scalar(g);
    state = applyStep(t, [x], [G], state, { loss: L });
    tf.dispose([L, G]);
    const d = await readDiagnostics(state);
    out.push({ x: (await x.data())[0]!, eta: d.effectiveLr!, lossMin: d.lossMin });
  }
  disposeState(state);
  x.dispose();
  return out;
}

const close = (a: number, b: number, rel = 2e-4) => Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-6);

describe('the 1-D explainer computes the optimizer library’s step', () => {
  for (const fn of Object.keys(FUNCTIONS_1D) as Fn1D[]) {
    for (const rule of ['l4', 'polyak', 'sgd'] as const) {
      it(`${rule} on ${fn}: 12 steps, the same points, η and L_min`, async () => {
        const s: Step1dSettings = { ...DEFAULT_1D, fn, rule, alpha: rule === 'polyak' ? 0.5 : 0.3, fStar: FUNCTIONS_1D[fn].fStar, a: 2 };
        const x0 = fn === 'bump' ? 2.4 : 1.7;
        const ours = run1d(s, x0, 12);
        const lib = await viaLibrary(s, x0, 12);
        ours.forEach((st, i) => {
          expect(close(st.next, lib[i]!.x), `x after step ${i}: ${st.next} vs ${lib[i]!.x}`).toBe(true);
          expect(close(st.eta, lib[i]!.eta), `η at step ${i}`).toBe(true);
          if (rule === 'l4') expect(close(st.lossMinAfter!, lib[i]!.lossMin!), `L_min at step ${i}`).toBe(true);
        });
      });
    }
  }

  for (const a of [0.01, 0.5, 3, 40]) {
    it(`Polyak on ½·${a}·x² with f* = 0 halves x, and the full step lands on the minimum`, () => {
      const [st] = run1d({ ...DEFAULT_1D, rule: 'polyak', alpha: 1, a }, 2, 1);
      expect(st!.next).toBeCloseTo(1, 6);
      expect(st!.fullStep).toBeCloseTo(1, 6); // the tangent meets f* = 0 at x/2
    });
  }

  it('the "new best batch": with γ = 1 a loss at a new minimum gives a zero step', () => {
    const s = { ...DEFAULT_1D, gamma: 1, alpha: 2 };
    const [first, second] = run1d(s, 2, 2);
    expect(first!.eta).toBeGreaterThan(0);
    expect(second!.loss).toBeLessThan(first!.lossMinUsed!);
    expect(second!.eta).toBe(0);
  });
});
