import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cpuWithLeakCheck } from '../testing/optim/setup';
import { Adam, L4Adam, L4Mom, LossDomainError, MissingLossError, Momentum, RMSProp, SGD, TransformOptimizer, polyak } from './index';

cpuWithLeakCheck();

/** A tiny deterministic classification problem: 3 Gaussian blobs in 2-D. */
function blobs(n = 96): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const xs: number[][] = [];
  const ys: number[] = [];
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const centres = [
    [2, 0],
    [-1, 2],
    [-1, -2],
  ];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push([centres[c]![0]! + 0.5 * rand(), centres[c]![1]! + 0.5 * rand()]);
    ys.push(c);
  }
  return { x: tf.tensor2d(xs), y: tf.tidy(() => tf.oneHot(tf.tensor1d(ys, 'int32'), 3).toFloat() as tf.Tensor2D) };
}

describe('tf.Optimizer adapters', () => {
  it('L4Adam trains a layers model through model.compile / model.fit and exposes its diagnostics', async () => {
    const { x, y } = blobs();
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 8, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const opt = new L4Adam();
    model.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
    const h = await model.fit(x, y, { epochs: 15, batchSize: 32, shuffle: false, verbose: 0 });
    const losses = h.history.loss as number[];
    expect(losses[0]).toBeGreaterThan(0.5);
    expect(losses[losses.length - 1]!).toBeLessThan(0.5 * losses[0]!);
    expect(opt.iterations).toBe(15 * 3);
    const eta = (await opt.diagnostics.effectiveLr!.data())[0]!;
    const lossMin = (await opt.diagnostics.lossMin!.data())[0]!;
    expect(eta).toBeGreaterThan(0);
    expect(lossMin).toBeGreaterThan(0);
    expect(lossMin).toBeLessThan(losses[0]!);
    await opt.checkLastStep();
    model.dispose();
    opt.dispose();
    tf.dispose([x, y]);
  });

  it('minimize(f, returnCost, varList) has tf.train.Optimizer’s contract', async () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([3, -4]), true, 'adapter_w'));
    const frozen = tf.tidy(() => tf.variable(tf.tensor1d([1]), true, 'adapter_frozen'));
    const opt = new L4Mom();
    const f = () => tf.add(tf.mul(0.5, tf.sum(tf.square(w))), tf.sum(frozen)) as tf.Scalar;
    const cost = opt.minimize(f, true, [w])!;
    expect((await cost.data())[0]).toBeCloseTo(13.5, 5);
    cost.dispose();
    expect(opt.minimize(f, false, [w])).toBeNull();
    expect(Array.from(await frozen.data())).toEqual([1]);
    const first = (await w.data())[0]!;
    expect(first).toBeLessThan(3);
    opt.dispose();
    tf.dispose([w, frozen]);
  });

  it('diagnostics stay valid until the next step, and the replaced ones are freed then', async () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, 'adapter_diag'));
    const opt = new Adam({ learningRate: 0.1 });
    const f = () => tf.sum(tf.square(w)) as tf.Scalar;
    opt.minimize(f, false, [w]);
    const d1 = opt.diagnostics.updateNorm!;
    expect(d1.isDisposed).toBe(false);
    expect((await d1.data())[0]).toBeGreaterThan(0);
    opt.minimize(f, false, [w]);
    expect(d1.isDisposed).toBe(true);
    expect(opt.diagnostics.effectiveLr!.isDisposed).toBe(false);
    opt.dispose();
    w.dispose();
  });

  it('a negative loss makes L4 throw a LossDomainError that names the cause', async () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1]), true, 'adapter_neg'));
    const opt = new L4Adam();
    const f = () => tf.sub(tf.sum(tf.square(w)), 5) as tf.Scalar; // L = w² − 5 < 0
    opt.minimize(f, false, [w]);
    expect(Array.from(await w.data())).toEqual([1]); // no step was taken
    await expect(opt.checkLastStep()).rejects.toThrow(LossDomainError);
    await expect(opt.checkLastStep()).rejects.toThrow(/loss below 0 at step 0.*assumes L ≥ 0/s);
    expect(() => opt.minimize(f, false, [w])).toThrow(LossDomainError);
    opt.dispose();
    w.dispose();
  });

  it('Polyak with f*: a loss below f* is an error naming f*', async () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1]), true, 'adapter_fstar'));
    const opt = new TransformOptimizer(polyak({ fStar: 3 }));
    opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
    await expect(opt.checkLastStep()).rejects.toThrow(/below f\* = 3/);
    opt.dispose();
    w.dispose();
  });

  it('applyGradients without the loss: L4 says it needs it; Adam does not', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1]), true, 'adapter_apply'));
    const g = tf.tensor1d([1]);
    const l4 = new L4Adam();
    expect(() => l4.applyGradients({ adapter_apply: g })).toThrow(MissingLossError);
    const adam = new Adam({ learningRate: 0.5 });
    adam.applyGradients({ adapter_apply: g });
    expect(adam.iterations).toBe(1);
    const loss = tf.scalar(1);
    l4.applyGradients({ adapter_apply: g }, { loss });
    expect(l4.iterations).toBe(1);
    tf.dispose([w, g, loss]);
    l4.dispose();
    adam.dispose();
  });

  it('options take the paper’s defaults where omitted, and getConfig records them', () => {
    expect(new L4Adam().getConfig()).toEqual({ alpha: 0.15, gamma: 0.9, tau: 1000, gamma0: 0.75, epsilon: 1e-12, gradTimescale: 10 });
    expect(new L4Mom({ alpha: 0.25 }).getConfig()).toMatchObject({ alpha: 0.25, gamma: 0.9 });
    expect(new Adam().getConfig()).toMatchObject({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-4 });
    expect(new Momentum({ learningRate: 0.05 }).getConfig()).toMatchObject({ learningRate: 0.05, momentum: 0.9 });
    expect(new SGD({ learningRate: 0.3 }).getConfig()).toMatchObject({ learningRate: 0.3 });
    expect(new RMSProp({ learningRate: 0.01, decay: 0.95 }).getConfig()).toMatchObject({ learningRate: 0.01, decay: 0.95 });
    expect(() => new L4Adam({ alpha: -1 })).toThrow(/alpha must be in/);
  });

  it('setHyper on the adapter changes α live, validated', async () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([3, -4]), true, 'adapter_live'));
    const opt = new L4Mom();
    opt.setHyper({ alpha: 0.3 });
    opt.minimize(() => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar, false, [w]);
    expect((await opt.diagnostics.effectiveLr!.data())[0]).toBeCloseTo(2 * 0.024375, 6);
    expect(() => opt.setHyper({ tau: -1 })).toThrow(/tau must be in/);
    expect(opt.hyper.alpha).toBe(0.3);
    opt.dispose();
    w.dispose();
  });
});
