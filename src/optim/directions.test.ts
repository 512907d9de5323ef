import { describe, expect, it } from 'vitest';
import { cpuWithLeakCheck } from '../testing/optim/setup';
import { adagrad, adam, makeOptimizer, momentum, rmsprop, sgd } from './index';
import { feed } from '../testing/optim/feed';

cpuWithLeakCheck();

describe('directions with a constant learning rate, by hand', () => {
  it('sgd: θ ← θ − lr·g', async () => {
    const [d] = await feed(sgd({ learningRate: 0.1 }), [1, 2], [{ grad: [3, -4] }]);
    expect(d!.theta[0]).toBeCloseTo(0.7, 6);
    expect(d!.theta[1]).toBeCloseTo(2.4, 6);
    expect(d!.effectiveLr).toBeCloseTo(0.1, 7);
    expect(d!.updateNorm).toBeCloseTo(0.5, 6);
  });

  it('heavy-ball momentum: acc ← μ·acc + g, θ ← θ − lr·acc', async () => {
    const trace = await feed(momentum({ learningRate: 0.1, momentum: 0.9 }), [0], [{ grad: [1] }, { grad: [2] }]);
    expect(trace[0]!.theta[0]).toBeCloseTo(-0.1, 6);
    expect(trace[1]!.theta[0]).toBeCloseTo(-0.1 - 0.1 * (0.9 + 2), 6);
  });

  it('adam: bias correction makes a constant gradient give v = g/(|g| + ε) from the first step', async () => {
    const lr = 0.01;
    const trace = await feed(adam({ learningRate: lr, epsilon: 1e-4 }), [0], [{ grad: [2] }, { grad: [2] }, { grad: [2] }]);
    const step = (lr * 2) / (2 + 1e-4);
    trace.forEach((d, i) => expect(d.theta[0]).toBeCloseTo(-step * (i + 1), 6));
  });

  it('adam: m̂ and ŝ after two different gradients', async () => {
    const trace = await feed(adam({ learningRate: 1, epsilon: 1e-4 }), [0], [{ grad: [1] }, { grad: [3] }]);
    const m = (0.9 * 0.1 + 0.1 * 3) / (1 - 0.81);
    const s = (0.999 * 0.001 + 0.001 * 9) / (1 - 0.999 ** 2);
    const v1 = 1 / (1 + 1e-4);
    expect(trace[1]!.theta[0]).toBeCloseTo(-v1 - m / (Math.sqrt(s) + 1e-4), 5);
  });

  it("NAdamW (Adam's Nesterov form with decoupled weight decay) follows AlgoPerf's NAdamW baseline, step by step", async () => {
    // Float64, from AlgoPerf's PyTorch NAdamW: θ ← θ·(1 − lr·λ); m, v EMAs; θ ← θ − lr/(1 − β1ᵗ)·(β1·m + (1 − β1)·g)/(√v/√(1 − β2ᵗ) + ε).
    const expected = [
      [0.8000000037999999, -1.7900000019, 0.495],
      [0.683479770367844, -1.7549860584526906, 0.6314359914802267],
      [0.63736333218726, -1.7876859589732692, 0.552823103691642],
    ];
    const nadamw = makeOptimizer('adam', { firstMoment: 'nesterov', learningRate: 0.1, epsilon: 1e-8, weightDecay: 0.1 });
    expect(nadamw.config.direction).toBe('nadam');
    const trace = await feed(nadamw, [1, -2, 0.5], [{ grad: [0.5, -1, 0] }, { grad: [0.2, 0.3, -0.4] }, { grad: [-0.1, 0.8, 0.6] }]);
    trace.forEach((d, t) => expected[t]!.forEach((x, i) => expect(d.theta[i]).toBeCloseTo(x, 6)));
  });

  it('rmsprop: s ← ρ·s + (1−ρ)·g², v = g/(√s + ε)', async () => {
    const [d] = await feed(rmsprop({ learningRate: 0.01, decay: 0.9, epsilon: 1e-7 }), [0], [{ grad: [2] }]);
    expect(d!.theta[0]).toBeCloseTo((-0.01 * 2) / (Math.sqrt(0.4) + 1e-7), 6);
  });

  it('adagrad: s ← s + g² from 0.1, v = g/(√s + ε)', async () => {
    const trace = await feed(adagrad({ learningRate: 0.5 }), [0], [{ grad: [1] }, { grad: [2] }]);
    const x1 = -0.5 / Math.sqrt(1.1);
    expect(trace[0]!.theta[0]).toBeCloseTo(x1, 5);
    expect(trace[1]!.theta[0]).toBeCloseTo(x1 - (0.5 * 2) / Math.sqrt(5.1), 5);
  });

  it('a constant-rate method given a NaN loss takes no step and flags it', async () => {
    const trace = await feed(
      adam(),
      [1],
      [
        { loss: 1, grad: [1] },
        { loss: NaN, grad: [1] },
      ],
    );
    expect(trace[1]!.effectiveLr).toBe(0);
    expect(trace[1]!.flags).toBe(1);
    expect(trace[1]!.theta).toEqual(trace[0]!.theta);
  });

  it('bad settings are refused with a sentence naming them', () => {
    expect(() => sgd({ learningRate: -1 })).toThrow(/learning rate must be in \(0, ∞\), got -1/);
    expect(() => adam({ beta1: 1.2 })).toThrow(/adam: beta1 must be in \[0, 1\), got 1.2/);
    expect(() => rmsprop({ decay: NaN })).toThrow(/decay/);
    expect(() => momentum({ momentum: 1 })).toThrow(/momentum must be in \[0, 1\)/);
  });
});
