import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { optimizerIds } from '../catalogue';
import { makeOptimizer } from '../index';
import { feed } from '../../testing/optim/feed';
import { setInternalsUsable } from './internals';
import { scaleOrZero } from './scaleOrZero';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

/** Ordinary steps, a NaN gradient, a non-finite loss, a zero gradient and ordinary steps again. */
const STEPS = [
  { loss: 8, grad: [1, -2] },
  { loss: 6, grad: [0.5, -1] },
  { loss: 5, grad: [NaN, 1] },
  { loss: Infinity, grad: [0.5, -1] },
  { loss: 4, grad: [0, 0] },
  { loss: 3, grad: [Infinity, 1] },
  { loss: 2.5, grad: [0.1, 0.1] },
];

afterEach(() => setInternalsUsable(null));

describe('the end of every step: read in host memory on cpu and WASM, the same numbers as the ops', () => {
  // Every optimizer of the catalogue through the host path and through plain ops.
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: every optimizer's diagnostics and parameters, bit for bit`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      for (const id of optimizerIds()) {
        const host = await feed(makeOptimizer(id), [2, -1], STEPS);
        setInternalsUsable(false);
        const ops = await feed(makeOptimizer(id), [2, -1], STEPS);
        setInternalsUsable(null);
        // Bit for bit, but for the inner products: on the host they are summed in float64 (hostDots.ts), by the
        // ops in float32, so gᵀv, ‖v‖² and what follows from them may differ in their last bits (two roundings of
        // the model's inner products compound in MoMo's step 4: 6.1e-7).
        expect(
          host.map((s) => s.flags),
          id,
        ).toEqual(ops.map((s) => s.flags));
        host.forEach((s, t) => {
          const o = ops[t]!;
          for (const k of Object.keys(s) as (keyof typeof s)[]) {
            const [a, b] = [s[k], o[k]].map((v) => (Array.isArray(v) ? v : [v])) as [number[], number[]];
            a.forEach((x, i) => {
              const y = b[i]!;
              if (Number.isNaN(x) || x === y) expect(x, `${id} ${String(k)} at step ${t}`).toEqual(y);
              else expect(Math.abs(x - y) / Math.abs(y), `${id} ${String(k)} at step ${t}: ${x} against ${y}`).toBeLessThan(2 ** -20);
            });
          }
        });
        // The NaN and ±Inf gradients took no step.
        expect(host[2]!.theta, id).toEqual(host[1]!.theta);
        expect(host[5]!.theta, id).toEqual(host[4]!.theta);
      }
    });
  }
});

describe('scaleOrZero with a scale in host memory', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: 1 gives x itself (no pass), 0 exact zeros, any other s the plain product; ±0, ±Inf and NaN kept`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const values = [0, -0, 1.5, -3e-38, 3e38, Infinity, -Infinity, NaN];
      const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
      tf.tidy(() => {
        const x = tf.tensor1d(values);
        const [one, zero, two] = [1, 0, -2].map((s) => tf.scalar(s)) as [tf.Scalar, tf.Scalar, tf.Scalar];
        const same = scaleOrZero(x, one);
        expect(same).toBe(x);
        expect(bits(same)).toEqual(bits(tf.mul(x, one)));
        expect(Array.from(scaleOrZero(x, zero).dataSync())).toEqual(values.map(() => 0));
        expect(bits(scaleOrZero(x, two))).toEqual(bits(tf.mul(x, two)));
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
