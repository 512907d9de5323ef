import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setInternalsUsable } from './internals';
import { axpby, cautiousMask, ratio } from './elementwise';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

afterEach(() => setInternalsUsable(null));

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-30, 3e38];
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 16807) % 2147483647;
    return i % 13 === 6 ? SPECIAL[i % SPECIAL.length]! : (s / 2147483647 - 0.5) * 10 ** ((s % 9) - 4);
  });
}

describe('x·a + y·b (every moving average)', () => {
  it('wasm: one kernel, bit for bit the op path, for β·m + (1 − β)·g, β·v + (1 − β)·g², d·a + x and d·a + x², no tensor left', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    for (const shape of [[784, 300], [300], [7, 1], [1]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(values(n, 5 + n), shape);
      const y = tf.tensor(values(n, 29 + n), shape);
      for (const [a, b] of [
        [0.9, 1 - 0.9],
        [0.999, 1],
        [0.9999, 1 - 0.9999],
      ] as const)
        for (const square of [false, true]) {
          const before = tf.memory().numTensors;
          const run = await tf.profile(() => axpby(x, a, y, b, { square }));
          const fused = run.result as tf.Tensor;
          expect(run.kernels.map((k) => k.name)).toEqual(['L4LabAxpby']);
          setInternalsUsable(false);
          const ops = tf.tidy(() => axpby(x, a, y, b, { square }));
          setInternalsUsable(null);
          const [f, o] = [fused.dataSync(), ops.dataSync()];
          for (let i = 0; i < n; i++)
            if (!Object.is(f[i], o[i])) throw new Error(`${shape} ${a} ${b} ${square}: value ${i} ${f[i]} against ${o[i]}`);
          tf.dispose([fused, ops]);
          expect(tf.memory().numTensors).toBe(before);
        }
      tf.dispose([x, y]);
    }
  });

  it('cpu: op by op, the same numbers', async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    const r = axpby(tf.tensor([1, 2]), 0.5, tf.tensor([3, -4]), 2, { square: true });
    expect(Array.from(r.dataSync())).toEqual([18.5, 33]);
  });

  it('wasm: a / (√d + e) in one kernel, bit for bit the op path; scalar coefficients read in host memory', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    for (const shape of [[784, 300], [5]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const a = tf.tensor(values(n, 41 + n), shape);
      const d = tf.abs(tf.tensor(values(n, 43 + n), shape));
      const c = tf.scalar(0.37);
      const before = tf.memory().numTensors;
      for (const [name, f] of [
        ['ratio', () => ratio(a, d, 1e-8)],
        ['axpby', () => axpby(a, tf.sub(1, c) as tf.Scalar, d, c)],
      ] as const) {
        const run = await tf.profile(() => tf.tidy(f));
        expect(run.kernels.map((k) => k.name).filter((k) => k.startsWith('L4Lab'))).toEqual([
          name === 'ratio' ? 'L4LabRatio' : 'L4LabAxpby',
        ]);
        setInternalsUsable(false);
        const ops = tf.tidy(f);
        setInternalsUsable(null);
        const [x, y] = [(run.result as tf.Tensor).dataSync(), ops.dataSync()];
        for (let i = 0; i < n; i++) if (!Object.is(x[i], y[i])) throw new Error(`${name}: value ${i} ${x[i]} against ${y[i]}`);
        tf.dispose([run.result as tf.Tensor, ops]);
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, d, c]);
    }
  });
});

describe('the cautious mask', () => {
  it('wasm: one kernel, bit for bit the op path (the same masked values, the same count), no tensor left', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    for (const [k, shape] of [[784, 300], [300], [7, 1], [1]].entries()) {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = tf.tensor(values(n, 3 + k), shape);
      const g = tf.tensor(values(n, 17 + k), shape);
      const before = tf.memory().numTensors;
      const fused = await tf.profile(() => cautiousMask(v, g));
      const [masked, kept] = fused.result as [tf.Tensor, tf.Scalar];
      expect(fused.kernels.map((x) => x.name)).toEqual(['L4LabCautiousMask']);
      setInternalsUsable(false); // the op path
      const [opMasked, opKept] = tf.tidy(() => cautiousMask(v, g));
      setInternalsUsable(null);
      const a = masked.dataSync();
      const b = opMasked.dataSync();
      expect(a.length).toBe(n);
      for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) throw new Error(`value ${i}: ${a[i]} against the op path's ${b[i]}`);
      expect(kept.dataSync()[0]).toBe(opKept.dataSync()[0]);
      if (n > 1000) expect(kept.dataSync()[0]).toBeGreaterThan(n / 5);
      tf.dispose([masked, kept, opMasked, opKept]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([v, g]);
    }
  });

  it('cpu: op by op, v·[v·g > 0] and the count', async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    const [masked, kept] = cautiousMask(tf.tensor([1, -2, 3, -0, NaN]), tf.tensor([2, 1, -1, 5, 1]));
    expect(Array.from(masked.dataSync())).toEqual([1, -0, 0, -0, NaN]);
    expect(kept.dataSync()[0]).toBe(1);
  });
});
