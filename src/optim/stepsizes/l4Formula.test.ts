import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setInternalsUsable } from '../kernels/internals';
import { float32Ops, runScalarFormula, setFusedFormulas } from '../kernels/scalarFormula';
import { l4Epilogue, l4StepFormula, type L4EpilogueSettings } from './l4Formula';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

const H: L4EpilogueSettings = { alpha: 0.15, gamma: 0.9, gamma0: 0.75, epsilon: 1e-12, tau: 1000 };

/** (L, L_min before, gᵀv): the first step, ordinary steps, and every guarded case. */
const CASES: [number, number, number][] = [
  [12.5, Infinity, 25],
  [3.25, 2.5, 0.7],
  [1e-3, 2.5, 1e-9],
  [7, 2, 0],
  [7, 2, -3],
  [NaN, 2, 1],
  [Infinity, 2, 1],
  [-0.5, 2, 1],
  [4, 2, Infinity],
  [4, 2, NaN],
  [0, 1e-30, 1e-30],
  [1e30, 1e29, 1e-30],
];

async function onDevice(L: number, M: number, D: number, h = H): Promise<number[]> {
  const [l, m, d] = [tf.scalar(L), tf.scalar(M), tf.scalar(D)];
  // The op-by-op path makes intermediates: the rule runs inside the step's tidy, so does this.
  const e = tf.tidy(() => {
    const r = runScalarFormula(l4StepFormula(h), { loss: l, lossMin: m, gDotV: d });
    return [r.effectiveLr, r.lossMin, r.numerator, r.flags];
  });
  const out = await Promise.all(e.map(async (t) => (await t.data())[0]!));
  tf.dispose([l, m, d, ...e]);
  return out;
}

/** The formula in float32, on the inputs as the device holds them (rounded to float32). */
const formula = (L: number, M: number, D: number, h = H) => {
  const f = Math.fround;
  const r = l4Epilogue(f(L), f(M), f(D), h, float32Ops);
  return [r.effectiveLr, r.lossMin, r.numerator, r.flags];
};

afterEach(() => {
  setFusedFormulas(true);
  setInternalsUsable(null);
});

describe('L4’s scalar part: written once (l4Formula.ts), the same float32 numbers on every path', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: the fused kernel and the op-by-op path agree with the formula on float32 numbers bit for bit`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      for (const [L, M, D] of CASES) {
        const fused = await onDevice(L, M, D);
        setFusedFormulas(false);
        const ops = await onDevice(L, M, D);
        setFusedFormulas(true);
        expect(fused, `fused (${L}, ${M}, ${D})`).toEqual(formula(L, M, D));
        expect(ops, `ops (${L}, ${M}, ${D})`).toEqual(formula(L, M, D));
      }
      // Other settings reach the kernel as they are.
      const h = { alpha: 0.3, gamma: 0.5, gamma0: 1, epsilon: 1e-3, tau: 7 };
      expect(await onDevice(3, 1.5, 0.2, h)).toEqual(formula(3, 1.5, 0.2, h));
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('with a tfjs version the kernels were not written for, they step aside and the ops give the same numbers', async () => {
    await tf.setBackend('cpu');
    setInternalsUsable(false);
    for (const [L, M, D] of CASES) expect(await onDevice(L, M, D)).toEqual(formula(L, M, D));
  });

  it('in float64 the formula is the paper’s: η = α·(L − γ·L_min)/(gᵀv + ε), L_min from γ0·L, then forgotten', () => {
    const first = l4Epilogue(12.5, Infinity, 25, H);
    expect(first.lossMinUsed).toBe(0.75 * 12.5);
    expect(first.effectiveLr).toBeCloseTo((0.15 * (12.5 - 0.9 * 0.75 * 12.5)) / 25, 14);
    expect(first.lossMin).toBeCloseTo(0.75 * 12.5 * 1.001, 12);
    expect(first.flags).toBe(0);
    const negative = l4Epilogue(-1, 2, 1, H);
    expect([negative.effectiveLr, negative.lossMin, negative.flags]).toEqual([0, 2, 2]);
  });
});
