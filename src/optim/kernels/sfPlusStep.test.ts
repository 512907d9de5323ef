import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyStep, disposeState } from '../apply';
import { scheduleFreePlus, type SfPlusState } from '../peers/scheduleFreePlus';
import { tensorsIn } from '../tensors';
import { allowSfPlusFused } from './sfPlusStep';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

afterEach(() => allowSfPlusFused(true));

// Odd sizes (the SIMD loop's tails) beside a layer's.
const SHAPES = [[64, 30], [30], [7, 3], [1]];

function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return (s / 2147483647 - 0.5) * 10 ** ((s % 5) - 2);
  });
}

/** Six steps of ScheduleFree+ on fixed gradients and losses: every state tensor and diagnostic, as bits. */
async function run(settings: Parameters<typeof scheduleFreePlus>[0]): Promise<{ bits: Uint32Array[]; kernels: string[] }> {
  const opt = scheduleFreePlus(settings);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const vars = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(values(size(s), 3 + i), s))));
  let state: SfPlusState = opt.init(vars);
  let kernels: string[] = [];
  for (let step = 0; step < 6; step++) {
    const grads = SHAPES.map((s, i) => tf.tensor(values(size(s), 100 * step + 7 + i), s));
    const loss = tf.scalar(2 / (step + 1));
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => void (state = applyStep(opt, vars, grads, state, { loss })));
    if (step === 3) kernels = profile.kernels.map((k) => k.name);
    // Flat from the second step (the first replaces the initial state's shared zero diagnostics).
    if (step > 0) expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...grads, loss]);
  }
  const all = [...vars, ...tensorsIn(state)];
  const bits = await Promise.all(all.map(async (t) => new Uint32Array(((await t.data()) as Float32Array).slice().buffer)));
  disposeState(state);
  tf.dispose(vars);
  return { bits, kernels };
}

describe("ScheduleFree+'s step in one WASM pass per tensor", () => {
  for (const settings of [{ learningRate: 0.5 }, { learningRate: 0.5, weightDecay: 0.1, cWarmup: 2, sfBeta1AnnealSteps: 4 }]) {
    it(`is bit for bit the path of one-pass kernels it replaces (${JSON.stringify(settings)}), in under half its kernels`, async () => {
      expect(await tf.setBackend('wasm')).toBe(true);
      const before = tf.memory().numTensors;
      const fused = await run(settings);
      allowSfPlusFused(false);
      const ops = await run(settings);
      allowSfPlusFused(true);
      expect(fused.bits.length).toBe(ops.bits.length);
      fused.bits.forEach((b, i) => expect(b).toEqual(ops.bits[i]));
      const count = (name: string) => fused.kernels.filter((k) => k === name).length;
      expect(count('L4LabHostDots')).toBe(1);
      expect(count('L4LabSfPlusStep')).toBe(1);
      expect(fused.kernels.length).toBeLessThan(ops.kernels.length / 2);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
