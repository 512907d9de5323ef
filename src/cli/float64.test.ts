import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegression } from '../tasks/regression';
import { lossAndGrads, problemFrom, regressionProblem, run64, type Spec64 } from './float64';

interface Golden {
  data: { A: number[][]; X: number[][] };
  initialParams: number[][][];
  optimizer: 'l4adam' | 'l4mom' | 'adam' | 'momentum';
  hyper: Record<string, number>;
  trace: { loss: number; eta: number }[];
  finalParams: number[][][];
}

const flat = (m: number[][]) => Float64Array.from(m.flat());
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('float64 reference (lab reproduce fig2 --float64)', () => {
  // The golden traces were computed in float64 by another implementation: this one must agree to rounding.
  for (const name of ['l4adam', 'l4mom', 'adam', 'momentum'] as const) {
    it(`matches the golden linreg trace of ${name} to 1e-9`, () => {
      const g = JSON.parse(readFileSync(join(__dirname, '../optim/__fixtures__/golden', `linreg-${name}.json`), 'utf8')) as Golden;
      const problem = problemFrom(flat(g.data.A), flat(g.data.X), 10, 6, g.data.X[0]!.length, true);
      const spec: Spec64 = name === 'adam' || name === 'momentum' ? { kind: name, lr: g.hyper.lr! } : { kind: name, ...g.hyper };
      const { losses, etas, params } = run64(problem, g.initialParams.map(flat), spec, g.trace.length);
      expect(losses).toHaveLength(g.trace.length);
      let worst = 0;
      g.trace.forEach((row, t) => (worst = Math.max(worst, rel(losses[t]!, row.loss), rel(etas[t]!, row.eta))));
      expect(worst).toBeLessThan(1e-9);
      g.finalParams.forEach((p, i) =>
        flat(p).forEach((x, j) => expect(Math.abs(params[i]![j]! - x)).toBeLessThan(1e-9 * (1 + Math.abs(x)))),
      );
    });
  }

  it('draws the same problem and initial weights as the regression task, unrounded', () => {
    const { problem, init } = regressionProblem(3, 1e10, 50);
    const task = createRegression({ kappa: 1e10, samples: 50 }, 3);
    const [W1, W2] = task.params.map((p) => p.dataSync());
    init[0]!.forEach((x, i) => expect(x).toBe(W1![i]));
    init[1]!.forEach((x, i) => expect(x).toBe(W2![i]));
    // The task's float32 loss at the initial weights agrees with the float64 one to float32 precision.
    const loss32 = tf.tidy(() => task.batchLoss(0)().dataSync()[0]!);
    expect(rel(loss32, lossAndGrads(problem, init).loss)).toBeLessThan(1e-5);
    task.dispose();
  });
});
