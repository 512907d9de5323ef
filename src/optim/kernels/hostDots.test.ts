import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parameterSums, type ParameterSum } from '../tensors';
import { hostDots } from './hostDots';
import { setInternalsUsable } from './internals';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

afterEach(() => setInternalsUsable(null));

// The MNIST MLP's parameter shapes and odd sizes (1, 3, 7: the loops' tails).
const SHAPES = [[784, 300], [300], [300, 100], [100], [100, 10], [10], [1], [3], [7, 1]];

describe('inner products in host memory (WASM, cpu)', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: gᵀv and ‖v‖², one sum, and an L1 norm equal float64 sums within float32 rounding, in one kernel; the sign-agreement count is exact`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      let seed = 9;
      const rng = { uniform: () => (seed = (seed * 16807) % 2147483647) / 2147483647 };
      const values = SHAPES.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 2 - 1));
      const more = SHAPES.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 2 - 1));
      const before = tf.memory().numTensors;
      const g = values.map((v, i) => tf.tensor(v, SHAPES[i]));
      const v = more.map((v, i) => tf.tensor(v, SHAPES[i]));
      const exact = (f: (i: number, j: number) => number) => values.reduce((s, x, i) => s + x.reduce((t, _, j) => t + f(i, j), 0), 0);
      const gv = exact((i, j) => values[i]![j]! * more[i]![j]!);
      const vv = exact((i, j) => more[i]![j]! ** 2);
      const l1 = exact((i, j) => Math.abs(values[i]![j]!));
      const cases: [ParameterSum[], number[], number[]][] = [
        [
          [{ dot: [g, v] }, { dot: [v, v] }],
          [0.5, 1],
          [0.5 * gv, vv],
        ],
        [[{ dot: [g, v] }], [3], [3 * gv]],
        [
          [{ l1: g }, { dot: [g, v] }],
          [1, 1],
          [l1, gv],
        ],
      ];
      for (const [terms, scales, want] of cases) {
        let sums: tf.Scalar[] = [];
        const profile = await tf.profile(() => void (sums = parameterSums(terms, scales)));
        expect(profile.kernels.map((k) => k.name)).toEqual(['L4LabHostDots']);
        const got = await Promise.all(sums.map((s) => s.data()));
        got.forEach((x, p) => expect(Math.abs(x[0]! - want[p]!)).toBeLessThanOrEqual(2 ** -23 * Math.abs(want[p]!) + 1e-30));
        tf.dispose(sums);
      }
      // How many values agree in sign (the cautious mask's count on GPUs; the same kinds here): exact integers.
      const [agree] = hostDots([[g, v]], [1], ['agree']);
      expect((await agree!.data())[0]).toBe(exact((i, j) => (Math.fround(values[i]![j]! * more[i]![j]!) > 0 ? 1 : 0)));
      agree!.dispose();
      // The op-by-op path (another tfjs version) gives the same sums within float32 reductions' rounding.
      setInternalsUsable(false);
      const [opGv, opVv] = tf.tidy(() => parameterSums([{ dot: [g, v] }, { dot: [v, v] }]));
      expect(Math.abs((await opGv!.data())[0]! - gv)).toBeLessThan(1e-4 * Math.abs(vv));
      expect(Math.abs((await opVv!.data())[0]! - vv)).toBeLessThan(1e-4 * vv);
      tf.dispose([opGv!, opVv!, ...g, ...v]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
