import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cautiousMask } from './cautiousMask';
import { setInternalsUsable } from './internals';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

afterEach(() => setInternalsUsable(null));

const SHAPES = [[784, 300], [300], [7, 1], [1]];
const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-30];

function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 16807) % 2147483647;
    return i % 11 === 5 ? SPECIAL[i % SPECIAL.length]! : (s / 2147483647 - 0.5) * 10 ** ((s % 7) - 3);
  });
}

describe('the cautious mask', () => {
  it('wasm: one kernel, bit for bit the op path (the same masked values, the same count), no tensor left', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    for (const [k, shape] of SHAPES.entries()) {
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
