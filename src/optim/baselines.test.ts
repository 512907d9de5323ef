import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, Momentum, RMSProp, makeOptimizer, optimizerLabel, type TransformOptimizer } from './index';

/**
 * The paper's baselines as it ran them, against float64 references written from TensorFlow's documentation:
 * AdamOptimizer (lr_t = lr·√(1−β2ᵗ)/(1−β1ᵗ), θ ← θ − lr_t·m/(√v + ε) with uncorrected m, v), RMSPropOptimizer
 * (ms from 1, θ ← θ − lr·g/√(ms + ε)) and clip_by_global_norm (g·c/max(‖g‖, c)).
 */
beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** f(θ) = Σ w_i·θ_i⁴/4 + θ_i: gradients of mixed sizes that change every step. */
const W = [0.5, 2, 10, 0.1];
const grad = (th: number[]) => th.map((x, i) => W[i]! * x ** 3 + 1);
const start = [1, -0.5, 0.3, 2];

async function run(opt: TransformOptimizer, steps: number): Promise<number[]> {
  const v = tf.tidy(() => tf.variable(tf.tensor1d(start), true, `baseline_${Math.random()}`));
  for (let t = 0; t < steps; t++)
    tf.tidy(
      () => void opt.minimize(() => tf.sum(tf.add(tf.mul(tf.pow(v, 4), tf.tensor1d(W.map((w) => w / 4))), v)) as tf.Scalar, false, [v]),
    );
  const out = Array.from(await v.data());
  v.dispose();
  opt.dispose();
  return out;
}

function tfAdam64(steps: number, lr: number, b1: number, b2: number, eps: number, corrected: boolean): number[] {
  const th = [...start];
  const m = th.map(() => 0);
  const s = th.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const g = grad(th);
    for (let i = 0; i < th.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      s[i] = b2 * s[i]! + (1 - b2) * g[i]! ** 2;
      if (corrected) th[i]! -= (lr * (m[i]! / (1 - b1 ** t))) / (Math.sqrt(s[i]! / (1 - b2 ** t)) + eps);
      else th[i]! -= ((lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)) * (m[i]! / (Math.sqrt(s[i]!) + eps));
    }
  }
  return th;
}

const close = (got: number[], want: number[], rel: number) =>
  got.forEach((x, i) => expect(Math.abs(x - want[i]!), `θ${i}: ${x} vs ${want[i]}`).toBeLessThan(rel * Math.max(1, Math.abs(want[i]!))));

describe('the paper’s baselines as it ran them', () => {
  it('Adam with TensorFlow’s ε form follows TensorFlow’s AdamOptimizer (ε 1e-2 makes the forms 10× apart)', async () => {
    const opts = { learningRate: 0.01, epsilon: 1e-2 };
    const tfForm = await run(new Adam({ ...opts, epsilonForm: 'tensorflow' }), 50);
    const ours = await run(new Adam(opts), 50);
    close(tfForm, tfAdam64(50, 0.01, 0.9, 0.999, 1e-2, false), 1e-5);
    close(ours, tfAdam64(50, 0.01, 0.9, 0.999, 1e-2, true), 1e-5);
    const apart = Math.max(...tfForm.map((x, i) => Math.abs(x - ours[i]!)));
    expect(apart).toBeGreaterThan(1e-3);
  });

  it('RMSProp in TensorFlow 1’s form: the mean square starts at 1 and ε is inside the root', async () => {
    const [lr, rho, eps] = [0.01, 0.9, 1e-10];
    const got = await run(new RMSProp({ learningRate: lr, decay: rho, epsilon: eps, form: 'tf1' }), 30);
    const th = [...start];
    const ms = th.map(() => 1);
    for (let t = 0; t < 30; t++) {
      const g = grad(th);
      for (let i = 0; i < th.length; i++) {
        ms[i] = rho * ms[i]! + (1 - rho) * g[i]! ** 2;
        th[i]! -= (lr * g[i]!) / Math.sqrt(ms[i]! + eps);
      }
    }
    close(got, th, 1e-5);
  });

  it('global-norm clipping scales every gradient by c/max(‖g‖, c), and leaves small ones alone', async () => {
    const clipped = await run(new Momentum({ learningRate: 0.01, momentum: 0.9, clipNorm: 1 }), 20);
    const free = await run(new Momentum({ learningRate: 0.01, momentum: 0.9, clipNorm: 1e6 }), 20);
    const th = [...start];
    const acc = th.map(() => 0);
    for (let t = 0; t < 20; t++) {
      const g = grad(th);
      const norm = Math.hypot(...g);
      for (let i = 0; i < th.length; i++) {
        acc[i] = 0.9 * acc[i]! + (g[i]! * 1) / Math.max(norm, 1);
        th[i]! -= 0.01 * acc[i]!;
      }
    }
    close(clipped, th, 1e-5);
    close(free, await run(new Momentum({ learningRate: 0.01, momentum: 0.9 }), 20), 1e-7);
    expect(() => makeOptimizer('adam', { clipNorm: 0 })).toThrow(/clip/);
  });

  it('a run’s label says which form ran', () => {
    expect(optimizerLabel('adam', {})).toBe('Adam');
    expect(optimizerLabel('adam', { epsilonForm: 'corrected' })).toBe('Adam');
    expect(optimizerLabel('adam', { epsilonForm: 'tensorflow', learningRate: 1e-3 })).toBe('Adam (TensorFlow ε)');
    expect(optimizerLabel('rmsprop', { form: 'tf1' })).toBe('RMSProp (TensorFlow 1)');
    expect(makeOptimizer('rmsprop', { form: 'tf1' }).config.direction).toBe('rmsprop-tf1');
    expect(makeOptimizer('adam', { epsilonForm: 'tensorflow' }).config.direction).toBe('adam-tf-epsilon');
  });
});
