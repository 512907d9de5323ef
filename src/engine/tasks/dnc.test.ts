// The WASM backend as every run gets it: with the lab's kernels (engine/tfjsFixes.ts).
import '../nodeBackend';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRng, type Rng } from '../../lib/rng';
import {
  contentWeights,
  dncConstants,
  dncParameterCount,
  initDncWeights,
  lstmCell,
  readMemory,
  setFusedDnc,
  TRAIN_PY_DNC,
  writeMemory,
  writeWeighting,
} from '../../tasks/dnc';
import { replayDncGolden } from '../../testing/dncReplay';
import { DNC_TOLERANCE, dncErrors, dncWorst, type DncErrors, type DncGoldenFile } from '../../testing/dncGolden';

/** ../shared/golden-dnc, copied: README.md there gives the fields and the tolerances used here. */
const golden = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'tasks', '__fixtures__', 'golden-dnc', 'dnc-tiny-seed7.json'), 'utf8'),
) as DncGoldenFile;

describe('the DNC core against deepmind/dnc (golden-dnc, float64)', () => {
  // Content addressing in one kernel each way on cpu and WASM (tasks/dnc/fused.ts), and op by op as the GPUs run it.
  for (const [backend, fused] of [
    ['cpu', true],
    ['wasm', true],
    ['cpu', false],
  ] as const) {
    describe(`${backend}${fused ? '' : ', content addressing op by op'}`, () => {
      let e: DncErrors;
      it('replays the file with no tensor left behind, every traced value and gradient present', async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        const before = tf.memory().numTensors;
        setFusedDnc(fused);
        try {
          e = dncErrors(await replayDncGolden(golden), golden);
        } finally {
          setFusedDnc(true);
        }
        expect(tf.memory().numTensors).toBe(before);
        expect(e.mismatches).toEqual([]);
        // Nothing silently skipped: 14 traced fields and the interface's 10, 9 state entries, 24 gradients.
        expect(Object.keys(e.trace)).toHaveLength(24);
        expect(Object.keys(e.singleStep)).toHaveLength(9);
        expect(Object.keys(e.grads)).toHaveLength(24);
      });

      it('the logits and every traced state, weighting and interface value within 1e-5·max(1, |ref|)', () => {
        expect(e.logits).toBeLessThan(DNC_TOLERANCE.forward);
        for (const [name, err] of Object.entries(e.trace)) expect(err, name).toBeLessThan(DNC_TOLERANCE.forward);
      });

      it('the loss within 1e-6 relative', () => expect(e.loss).toBeLessThan(DNC_TOLERANCE.loss));

      it('the single step from a random state (clipping active) within 1e-5·max(1, |ref|)', () => {
        expect(e.singleStepLogits).toBeLessThan(DNC_TOLERANCE.forward);
        for (const [name, err] of Object.entries(e.singleStep)) expect(err, name).toBeLessThan(DNC_TOLERANCE.forward);
      });

      it('each weight’s gradient within 2e-4 of its largest entry (stop-gradient and constant order kept)', () => {
        for (const [name, err] of Object.entries(e.grads)) expect(err, name).toBeLessThanOrEqual(DNC_TOLERANCE.grad);
        expect(dncWorst(e).grad).toBeLessThanOrEqual(1);
      });
    });
  }
});

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
/** A tensor of uniform draws on [lo, hi). */
const uniformTensor = (rng: Rng, shape: number[], lo: number, hi: number) => tf.tensor(rng.uniformArray(sizeOf(shape), lo, hi), shape);
/** A tensor of normal draws with standard deviation `scale`. */
const normalTensor = (rng: Rng, shape: number[], scale: number) => tf.tensor(rng.normalArray(sizeOf(shape), 0, scale), shape);

/** A function's value and its gradients for every input, fused (cpu, WASM: tasks/dnc/fused.ts) and op by op. */
function bothWays(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], outputWeights: tf.Tensor): [number[][], number[][]] {
  const run = (fused: boolean) => {
    setFusedDnc(fused);
    try {
      return tf.tidy(() => {
        // A weighted sum of the output: every output entry gets its own gradient.
        const loss = (...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), outputWeights));
        return [f(...inputs), ...tf.grads(loss)(inputs)].map((t) => Array.from(t.dataSync()));
      });
    } finally {
      setFusedDnc(true);
    }
  };
  return [run(true), run(false)];
}

/** Fused against ops: within `tol` of each output's largest entry, and not all zero. */
function expectClose([fused, ops]: [number[][], number[][]], tol: number, what: string): void {
  fused.forEach((got, i) => {
    const want = ops[i]!;
    const scale = Math.max(1, ...want.map(Math.abs));
    const worst = Math.max(...got.map((x, j) => Math.abs(x - want[j]!)));
    expect(worst / scale, `${what}: output ${i}`).toBeLessThan(tol);
    expect(Math.max(...want.map(Math.abs)), `${what}: output ${i}`).toBeGreaterThan(1e-3);
  });
}

describe('the DNC’s blocks in one kernel each way (cpu, WASM) against the ops', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: content addressing C(M, k, s) and its gradients for M, k and s, at float32 rounding, no tensor left behind`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const rng = makeRng(3, 'content');
      const normal = (shape: number[], scale: number) => normalTensor(rng, shape, scale);
      for (const [B, K, N, W] of [
        [3, 1, 16, 16],
        [2, 4, 5, 7],
      ] as const) {
        const inputs = [normal([B, N, W], 1), normal([B, K, W], 2), normal([B, K], 3)];
        const weights = normal([B, K, N], 1);
        const f = (m: tf.Tensor, k: tf.Tensor, s: tf.Tensor) => contentWeights(m as tf.Tensor3D, k as tf.Tensor3D, s as tf.Tensor2D);
        expectClose(bothWays(f as (...xs: tf.Tensor[]) => tf.Tensor, inputs, weights), 2e-6, [B, K, N, W].join('×'));
        tf.dispose([...inputs, weights]);
      }
      expect(tf.memory().numTensors).toBe(before);
    });

    it(`${backend}: usage, allocation and write weights (one write head, four read heads, tied usages) and their gradients`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const rng = makeRng(5, 'write');
      const [B, R, N] = [3, 4, 6];
      const unit = (shape: number[]) => uniformTensor(rng, shape, 0.05, 0.95);
      const config = { ...TRAIN_PY_DNC, memorySize: N, readHeads: R, writeHeads: 1 };
      const k = dncConstants(config);
      // Row 0 has nothing written or read before, and usages tied in pairs: its allocation order rests on the tie rule.
      const zeroRow0 = (t: tf.Tensor) => {
        const out = tf.tidy(() => tf.concat([tf.zerosLike(tf.slice(t, 0, 1)), tf.slice(t, 1)]));
        t.dispose();
        return out;
      };
      const usage0 = tf.tensor2d([
        [0.3, 0.3, 0.7, 0.1, 0.7, 0.1],
        ...Array.from({ length: B - 1 }, () => Array.from(rng.uniformArray(N, 0.05, 0.95))),
      ]);
      const [pw, read] = [zeroRow0(unit([B, 1, N])), zeroRow0(unit([B, R, N]))];
      const inputs = [pw, usage0, unit([B, R]), read, unit([B, 1]), unit([B, 1]), unit([B, 1, N])];
      const weights = tf.tensor(rng.normalArray(B * 3 * N, 0, 1), [B, 3 * N]);
      const f = (...xs: tf.Tensor[]) => {
        const prev = { writeWeights: xs[0] as tf.Tensor3D, usage: xs[1] as tf.Tensor2D, readWeights: xs[3] as tf.Tensor3D };
        const r = writeWeighting(config, k, prev, xs[2] as tf.Tensor2D, xs[4] as tf.Tensor2D, xs[5] as tf.Tensor2D, xs[6] as tf.Tensor3D);
        return tf.concat([r.usage, tf.reshape(r.allocationWeights, [B, N]), tf.reshape(r.writeWeights, [B, N])], 1);
      };
      const [fused, ops] = bothWays(f, inputs, weights);
      // The previous write weights get no gradient (a stop-gradient) either way; every other output is compared.
      expect(fused[1]!.every((x) => x === 0) && ops[1]!.every((x) => x === 0)).toBe(true);
      expectClose(
        [
          [fused[0]!, ...fused.slice(2)],
          [ops[0]!, ...ops.slice(2)],
        ],
        2e-6,
        'write head',
      );
      tf.dispose([...inputs, weights, k.lowerIndex, k.offDiagonal]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it(`${backend}: memory, link and precedence, then read weights and words (one write head, four read heads) and their gradients`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const rng = makeRng(6, 'memory');
      const [B, R, N, W] = [3, 4, 6, 5];
      const unit = (shape: number[]) => uniformTensor(rng, shape, 0.02, 0.98);
      const normal = (shape: number[]) => normalTensor(rng, shape, 1);
      const config = { ...TRAIN_PY_DNC, memorySize: N, wordSize: W, readHeads: R, writeHeads: 1 };
      const k = dncConstants(config);
      const modes = tf.tidy(() => tf.softmax(normal([B, R, 3])));
      // Memory, write weights, erase and write vectors, link, precedence; then previous read weights, modes, content.
      const inputs = [
        normal([B, N, W]),
        unit([B, 1, N]),
        unit([B, 1, W]),
        normal([B, 1, W]),
        unit([B, 1, N, N]),
        unit([B, 1, N]),
        unit([B, R, N]),
        modes,
        unit([B, R, N]),
      ];
      const weights = normal([B, N * W + N * N + N + 3 * R * N + R * W]);
      const f = (...xs: tf.Tensor[]) => {
        const prev = { memory: xs[0] as tf.Tensor3D, link: xs[4] as tf.Tensor4D, precedence: xs[5] as tf.Tensor3D };
        const m = writeMemory(config, k, prev, xs[1] as tf.Tensor3D, xs[2] as tf.Tensor3D, xs[3] as tf.Tensor3D);
        const r = readMemory(config, xs[6] as tf.Tensor3D, m.link, xs[7] as tf.Tensor3D, xs[8] as tf.Tensor3D, m.memory);
        const flat = [m.memory, m.link, m.precedence, r.readWeights, r.forward, r.backward, r.readWords].map((t) => tf.reshape(t, [B, -1]));
        return tf.concat(flat, 1);
      };
      expectClose(bothWays(f, inputs, weights), 2e-6, 'memory and read');
      tf.dispose([...inputs, weights, k.lowerIndex, k.offDiagonal]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it(`${backend}: the LSTM cell [h, c'] and its gradients for the gates, the bias and c, clipping on and off`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const rng = makeRng(4, 'lstm');
      const normal = (shape: number[], scale: number) => normalTensor(rng, shape, scale);
      const [B, H] = [4, 6];
      // Scales that put some of h and c' past the clip of 0.5 (and, at 20, none).
      for (const clipValue of [0.5, 20, 0]) {
        const config = { ...TRAIN_PY_DNC, hidden: H, clipValue, forgetBias: 1 };
        const inputs = [normal([B, 4 * H], 3), normal([4 * H], 0.5), normal([B, H], 1.5)];
        const weights = normal([B, 2 * H], 1);
        const f = (pre: tf.Tensor, bias: tf.Tensor, c: tf.Tensor) =>
          tf.concat(lstmCell(config, pre as tf.Tensor2D, bias, c as tf.Tensor2D), 1);
        const [fused, ops] = bothWays(f as (...xs: tf.Tensor[]) => tf.Tensor, inputs, weights);
        expectClose([fused, ops], 2e-6, `clip ${clipValue}`);
        // Both h (the first H of a row) and c' (the last H) clipped somewhere at 0.5, nowhere at 20 or without a clip.
        const at = (part: 0 | 1) =>
          ops[0]!.filter((x, i) => Math.floor((i % (2 * H)) / H) === part && Math.abs(x) === Math.fround(clipValue));
        expect([at(0).length > 0, at(1).length > 0], `clip ${clipValue} reached`).toEqual([clipValue === 0.5, clipValue === 0.5]);
        tf.dispose([...inputs, weights]);
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('the DNC at train.py’s sizes', () => {
  const c = TRAIN_PY_DNC;
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
