import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { L4Muon } from './index';
import { L4_DEFAULTS, l4Epilogue } from './stepsizes';
import { goldenLoss, type GoldenProblem } from '../testing/optim/goldenProblems';

type M = number[][];
const mul = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));
const tr = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!));
const lin = (a: M, x: number, b: M, y: number): M => a.map((row, i) => row.map((v, j) => x * v + y * b[i]![j]!));
const scale = (a: M, x: number): M => a.map((row) => row.map((v) => v * x));
const dot = (a: M, b: M) => a.reduce((s, row, i) => s + row.reduce((t, v, j) => t + v * b[i]![j]!, 0), 0);

/** Newton–Schulz as the official code writes it, in float64. */
function ns(u: M, steps = 5): M {
  const tall = u.length > u[0]!.length;
  let x = tall ? tr(u) : u;
  x = scale(x, 1 / (Math.sqrt(dot(x, x)) + 1e-7));
  for (let i = 0; i < steps; i++) {
    const p = mul(x, tr(x));
    const q = lin(p, -4.775, mul(p, p), 2.0315);
    x = lin(x, 3.4445, mul(q, x), 1);
  }
  return tall ? tr(x) : x;
}

/**
 * L4 over Muon in float64, written out from the equations (L4: eqs. 3–7 with its own gradient EMA of timescale
 * τm = 10; Muon: Nesterov momentum μ = 0.95, five Newton–Schulz steps, √max(1, r/c)), on the golden linear regression.
 */
function reference(g: GoldenProblem & { initialParams: M[] }, steps: number) {
  const X = g.data.X;
  const n = X[0]!.length;
  const Y = mul(g.data.A!, X);
  let W = g.initialParams.map((w) => w.map((r) => [...r]));
  let B = W.map((w) => scale(w, 0));
  let E = W.map((w) => scale(w, 0));
  let lossMin = Infinity;
  const d = 1 - 1 / L4_DEFAULTS.gradTimescale;
  const mu = 0.95;
  const out: { loss: number; eta: number }[] = [];
  for (let t = 1; t <= steps; t++) {
    const R = lin(mul(mul(W[0]!, W[1]!), X), 1, Y, -1);
    const loss = dot(R, R) / n;
    const G = [scale(mul(mul(R, tr(X)), tr(W[1]!)), 2 / n), scale(mul(tr(W[0]!), mul(R, tr(X))), 2 / n)];
    B = B.map((b, i) => lin(b, mu, G[i]!, 1 - mu));
    const V = G.map((gi, i) => {
      const r = gi.length;
      const c = gi[0]!.length;
      return scale(ns(lin(gi, 1 - mu, B[i]!, mu)), Math.sqrt(Math.max(1, r / c)));
    });
    E = E.map((e, i) => lin(e, d, G[i]!, 1));
    const gScale = (1 - d) / (1 - Math.pow(d, t));
    const gDotV = gScale * V.reduce((s, v, i) => s + dot(E[i]!, v), 0);
    const e = l4Epilogue(loss, lossMin, gDotV, L4_DEFAULTS);
    lossMin = e.lossMin;
    W = W.map((w, i) => lin(w, 1, V[i]!, -e.effectiveLr));
    out.push({ loss, eta: e.effectiveLr });
  }
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('L4 over Muon: the composition against a float64 computation of it', () => {
  it('on the golden linear regression (two matrices), loss and η of 15 steps within 1e-3', async () => {
    const file = join(__dirname, '__fixtures__', 'golden-next', 'linreg-muon.json');
    const g = JSON.parse(readFileSync(file, 'utf8')) as GoldenProblem & { initialParams: M[] };
    const want = reference(g, 15);
    const before = tf.memory().numTensors;
    const vars = g.initialParams.map((p, i) => tf.tidy(() => tf.variable(tf.tensor(p), true, `l4muon_${i}`)));
    const { batchLoss, data } = goldenLoss(g, vars);
    const opt = new L4Muon();
    let worst = 0;
    for (let t = 0; t < want.length; t++) {
      const cost = tf.tidy(() => opt.minimize(batchLoss(t), true, vars)!);
      const loss = (await cost.data())[0]!;
      const eta = (await opt.diagnostics.effectiveLr!.data())[0]!;
      cost.dispose();
      for (const [got, w] of [
        [loss, want[t]!.loss],
        [eta, want[t]!.eta],
      ] as const) {
        const e = Math.abs(got - w) / Math.abs(w);
        worst = Math.max(worst, e);
        expect(e, `step ${t}: got ${got}, want ${w}`).toBeLessThanOrEqual(1e-3);
      }
    }
    // L4 took real steps: η positive, the loss down.
    expect(want.every((s) => s.eta > 0)).toBe(true);
    expect(want.at(-1)!.loss).toBeLessThan(0.8 * want[0]!.loss);
    console.log(`L4Muon against float64: worst ${worst.toExponential(1)}`);
    await opt.checkLastStep();
    opt.dispose();
    tf.dispose([...vars, ...data]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
