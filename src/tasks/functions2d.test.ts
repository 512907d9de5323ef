import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORMULAS_2D, NUMBERS } from '../lib/functions2d';
import { createTask } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('functions-2d', () => {
  for (const fn of Object.keys(FORMULAS_2D)) {
    it(`${fn}: the task's loss equals the shared formula on numbers, and is 0 at the minimum`, async () => {
      const spec = FORMULAS_2D[fn]!;
      for (const [x0, y0] of [spec.start, [0.3, -0.7] as [number, number]]) {
        const task = createTask('functions-2d', { fn, kappa: 10, x0, y0 }, 1);
        const l = tf.tidy(() => task.batchLoss(0)());
        const want = spec.f(NUMBERS, x0, y0, 10);
        expect((await l.data())[0]).toBeCloseTo(want, Math.abs(want) > 100 ? 2 : 4);
        l.dispose();
        task.dispose();
      }
      expect(spec.f(NUMBERS, spec.minimum[0], spec.minimum[1], 10)).toBeCloseTo(0, 10);
    });
  }
  it('noise perturbs the evaluation point per step, the same for the same seed', async () => {
    const a = createTask('functions-2d', { fn: 'quadratic', noise: 0.5 }, 3);
    const b = createTask('functions-2d', { fn: 'quadratic', noise: 0.5 }, 3);
    const v = async (t: typeof a, k: number) => {
      const l = tf.tidy(() => t.batchLoss(k)());
      const d = await l.data();
      l.dispose();
      return d[0]!;
    };
    expect(await v(a, 4)).toBe(await v(b, 4));
    expect(await v(a, 4)).not.toBe(await v(a, 5));
    a.dispose();
    b.dispose();
  });
});
