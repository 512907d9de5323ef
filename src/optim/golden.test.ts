import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, L4Adam, L4Mom, Momentum, type TransformOptimizer } from './index';
import { goldenLoss as lossFn } from '../testing/optim/goldenProblems';

/** The float64 reference traces of ../shared/golden (see __fixtures__/golden/README.md). */
interface Golden {
  problem: 'linreg' | 'mlp';
  description: string;
  data: { A?: number[][]; X: number[][]; y?: number[]; batch?: number };
  initialParams: (number[] | number[][])[];
  optimizer: 'l4adam' | 'l4mom' | 'adam' | 'momentum';
  hyper: Record<string, number>;
  trace: { loss: number; eta: number; lossMin?: number }[];
  finalParams: (number[] | number[][])[];
}

const dir = join(__dirname, '__fixtures__', 'golden');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const REL = 1e-4;

function optimizerFor(g: Golden): TransformOptimizer {
  const h = g.hyper;
  switch (g.optimizer) {
    case 'l4adam':
      return new L4Adam(h);
    case 'l4mom':
      return new L4Mom(h);
    case 'adam':
      return new Adam({ learningRate: h.lr, beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon });
    case 'momentum':
      return new Momentum({ learningRate: h.lr, momentum: h.momentum });
  }
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('golden float64 reference traces', () => {
  it('has all eight reference files', () => {
    expect(files.sort()).toEqual(['adam', 'l4adam', 'l4mom', 'momentum'].flatMap((o) => [`linreg-${o}.json`, `mlp-${o}.json`]).sort());
  });

  for (const file of files) {
    it(`${file}: every step's loss, effectiveLr and lossMin, and the final parameters, within ${REL} relative`, async () => {
      const g = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Golden;
      const before = tf.memory().numTensors;
      const vars = g.initialParams.map((p, i) => tf.tidy(() => tf.variable(tf.tensor(p), true, `golden_${file}_${i}`)));
      const opt = optimizerFor(g);
      const { batchLoss, data } = lossFn(g, vars);
      let worst = { loss: 0, eta: 0, lossMin: 0 };
      for (let t = 0; t < g.trace.length; t++) {
        const ref = g.trace[t]!;
        const cost = tf.tidy(() => opt.minimize(batchLoss(t), true, vars)!);
        const [loss] = await cost.data();
        cost.dispose();
        const [eta] = await opt.diagnostics.effectiveLr!.data();
        worst.loss = Math.max(worst.loss, relErr(loss!, ref.loss));
        worst.eta = Math.max(worst.eta, relErr(eta!, ref.eta));
        if (ref.lossMin !== undefined) {
          const [lossMin] = await opt.diagnostics.lossMin!.data();
          worst.lossMin = Math.max(worst.lossMin, relErr(lossMin!, ref.lossMin));
        }
        expect(relErr(loss!, ref.loss), `loss at step ${t}`).toBeLessThan(REL);
        expect(relErr(eta!, ref.eta), `eta at step ${t}`).toBeLessThan(REL);
        if (ref.lossMin !== undefined) {
          const [lossMin] = await opt.diagnostics.lossMin!.data();
          expect(relErr(lossMin!, ref.lossMin), `lossMin at step ${t}`).toBeLessThan(REL);
        }
      }
      // Final parameters: every entry within 1e-4 of the reference, relative to that tensor's largest entry
      // (an entry that crosses zero has no meaningful relative error of its own).
      for (let i = 0; i < vars.length; i++) {
        const got = (await vars[i]!.data()) as Float32Array;
        const want = (g.finalParams[i] as number[] | number[][]).flat() as number[];
        const scale = Math.max(...want.map(Math.abs));
        expect(got.length).toBe(want.length);
        const err = Math.max(...want.map((w, j) => Math.abs((got[j] as number) - w))) / scale;
        expect(err, `final parameter ${i}`).toBeLessThan(REL);
      }
      await opt.checkLastStep();
      opt.dispose();
      tf.dispose([...vars, ...data]);
      console.log(
        `${file}: worst relative error loss ${worst.loss.toExponential(1)}, eta ${worst.eta.toExponential(1)}, lossMin ${worst.lossMin.toExponential(1)}`,
      );
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
