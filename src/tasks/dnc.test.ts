import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../lib/rng';
import { dncParameterCount, initDncWeights, replayDncGolden, type DncConfig, type DncGolden, type DncReplay } from './dnc';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

type Nested = number | Nested[];
/** ../shared/golden-dnc, copied: README.md there gives the fields and the tolerances used here. */
const golden = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'golden-dnc', 'dnc-tiny-seed7.json'), 'utf8')) as DncGolden & {
  logits: number[][][];
  loss: number;
  grads: Record<string, Nested>;
  trace: Record<string, Nested> & { interface: Record<string, Nested> };
  single_step: { logits: number[][]; state: Record<string, Nested> };
};

const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

/** max |got − ref| / max(1, |ref|) over every entry; the shapes must agree. */
function scaledError(got: Nested, ref: Nested, what: string): number {
  const g = flat(got);
  const r = flat(ref);
  expect(g.length, `${what}: entries`).toBe(r.length);
  return Math.max(0, ...r.map((v, i) => Math.abs(g[i]! - v) / Math.max(1, Math.abs(v))));
}

/** The golden trace's fields, the interface's under `interface.<name>`. */
const goldenTrace = (): Record<string, Nested> => {
  const { interface: iface, sort_order: _order, ...rest } = golden.trace;
  return { ...rest, ...Object.fromEntries(Object.entries(iface).map(([k, v]) => [`interface.${k}`, v])) };
};

describe('the DNC core against deepmind/dnc (golden-dnc, float64)', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    describe(backend, () => {
      let replay: DncReplay;
      it('replays the file with no tensor left behind', async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        const before = tf.memory().numTensors;
        replay = await replayDncGolden(golden);
        expect(tf.memory().numTensors).toBe(before);
      });

      it('the logits and every traced state, weighting and interface value within 1e-5·max(1, |ref|)', () => {
        expect(scaledError(replay.logits, golden.logits, 'logits')).toBeLessThan(1e-5);
        const ref = goldenTrace();
        // Every traced field is compared, none silently skipped.
        expect(Object.keys(replay.trace).sort()).toEqual(Object.keys(ref).sort());
        for (const [name, want] of Object.entries(ref)) {
          expect(scaledError(replay.trace[name]!, want, name), name).toBeLessThan(1e-5);
        }
      });

      it('the loss within 1e-6 relative', () => {
        expect(Math.abs(replay.loss - golden.loss) / golden.loss).toBeLessThan(1e-6);
      });

      it('the single step from a random state (clipping active) within 1e-5·max(1, |ref|)', () => {
        expect(scaledError(replay.singleStep.logits, golden.single_step.logits, 'single-step logits')).toBeLessThan(1e-5);
        const keys = Object.keys(golden.single_step.state);
        expect(Object.keys(replay.singleStep.state).sort()).toEqual(keys.sort());
        for (const k of keys) {
          expect(scaledError(replay.singleStep.state[k as never], golden.single_step.state[k]!, k), k).toBeLessThan(1e-5);
        }
      });

      it('each weight’s gradient within 2e-4 of its largest entry (stop-gradient and constant order kept)', () => {
        expect(Object.keys(replay.grads).sort()).toEqual(Object.keys(golden.grads).sort());
        for (const [name, want] of Object.entries(golden.grads)) {
          const g = flat(replay.grads[name]!);
          const r = flat(want);
          expect(g.length, name).toBe(r.length);
          const scale = Math.max(...r.map(Math.abs));
          const err = Math.max(...r.map((v, i) => Math.abs(g[i]! - v)));
          expect(err, name).toBeLessThanOrEqual(2e-4 * scale);
        }
      });
    });
  }
});

describe('the DNC at train.py’s sizes', () => {
  const c: DncConfig = {
    inputSize: 6,
    outputSize: 5,
    hidden: 64,
    memorySize: 16,
    wordSize: 16,
    readHeads: 4,
    writeHeads: 1,
    clipValue: 20,
    forgetBias: 1,
  };
  it('has 43,980 parameters', () => expect(dncParameterCount(c)).toBe(43_980));
  it('Sonnet’s initialisation: truncated normal at σ = 1/√fan_in (LSTM bias too), zero Linear biases', async () => {
    await tf.setBackend('cpu');
    const w = initDncWeights(c, makeRng(3, 'init'));
    const gates = (await w.gatesW.data()) as Float32Array;
    const std = 1 / Math.sqrt(70 + 64);
    expect(Math.max(...gates.map(Math.abs))).toBeLessThanOrEqual(2 * std + 1e-7);
    const sd = Math.sqrt(gates.reduce((a, v) => a + v * v, 0) / gates.length);
    // A normal truncated at 2σ has standard deviation 0.880σ.
    expect(sd / std).toBeCloseTo(0.88, 1);
    expect(Math.max(...(await w.gatesB.data()).map(Math.abs))).toBeGreaterThan(0);
    expect(Math.max(...(await w.interfaceB.data()).map(Math.abs))).toBe(0);
    expect(Math.max(...(await w.outputB.data()).map(Math.abs))).toBe(0);
    expect(Math.max(...(await w.interfaceW.data()).map(Math.abs))).toBeLessThanOrEqual(2 / 8 + 1e-7);
    const again = initDncWeights(c, makeRng(3, 'init'));
    expect(await again.outputW.data()).toEqual(await w.outputW.data());
    tf.dispose([w, again] as never);
  });
});
