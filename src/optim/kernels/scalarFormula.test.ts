import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EVERY_OP, type EveryOpOutput } from '../../testing/optim/everyOp';
import { float32Ops, runScalarFormula, setFusedFormulas } from './scalarFormula';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

type Out = EveryOpOutput;

const VALUES = [0, -0, 1, -2.5, 1 / 3, 3e-8, 1e30, 3.4e38, NaN, Infinity, -Infinity];

async function outputs(a: number, b: number): Promise<Record<Out, number>> {
  const inputs = { a: tf.scalar(a), b: tf.scalar(b) };
  const before = tf.memory().numTensors;
  const out = runScalarFormula(EVERY_OP, inputs);
  // Exactly the outputs are left: the ops path's intermediates are disposed.
  expect(tf.memory().numTensors - before).toBe(EVERY_OP.outputs.length);
  const values = Object.fromEntries(await Promise.all(EVERY_OP.outputs.map(async (k) => [k, (await out[k].data())[0]!]))) as Record<
    Out,
    number
  >;
  tf.dispose([inputs.a, inputs.b, ...Object.values(out)]);
  return values;
}

afterEach(() => setFusedFormulas(true));

describe('a scalar formula written once runs the same on numbers and as ops', () => {
  for (const backend of ['cpu', 'wasm'] as const)
    it(`${backend}: the host path (float32 numbers) equals the ops bit for bit on every operation and guarded value`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      let cases = 0;
      for (const a of VALUES)
        for (const b of VALUES) {
          const host = await outputs(a, b);
          setFusedFormulas(false);
          const ops = await outputs(a, b);
          setFusedFormulas(true);
          expect(host, `${a}, ${b}`).toEqual(ops);
          cases++;
        }
      expect(cases).toBe(121);
    });

  it('float32Ops rounds as float32 after every operation', () => {
    const x = float32Ops;
    expect(x.c(0.1)).toBe(Math.fround(0.1));
    expect(x.add(x.c(1), x.c(1e-8))).toBe(1);
    expect(x.div(x.c(1), x.c(3))).toBe(Math.fround(1 / 3));
    expect(x.mul(x.c(3e38), x.c(2))).toBe(Infinity);
    // The cpu backend's maximum and minimum (WASM's differ with NaN: the test above holds each to its ops).
    expect(x.max(1, NaN)).toBeNaN();
    expect(x.min(NaN, 1)).toBeNaN();
  });
});
