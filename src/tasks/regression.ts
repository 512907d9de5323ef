import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../lib/rng';
import type { Settings, Task } from './types';
import { regressionInfo } from './regression.meta';

export { regressionInfo };

/**
 * Recht's shallow-linear-net problem, as the paper used it: W1 (10×6) and W2 (6×6) from N(0, 1);
 * A = diag(linspace(1, 1/κ, 10))·U with U uniform on [0, 1) (10×6); X (6×N) from N(0, 1); Y = A·X, fixed;
 * full batch; loss = Σ_n ‖W1·W2·x_n − y_n‖² (a sum, not a mean: the paper's best constant stepsizes,
 * SGD 4e-5 and Adam 1e-3, assume it). A and X are drawn per seed, as the paper's 5 restarts were.
 *
 * Float32 floors the loss: at an exact factorisation W1·W2 = A the summed residual is still ≈ 1e-11
 * (regression.test.ts), and L4 at α = 0.25 stalls at 2e-10…6e-10 after 3000 steps (`lab reproduce fig2`).
 */
/**
 * The seed's random draws, before any tensor: A (k×d, float64), X (d×n) and the initial W1 (k×d) and W2 (d×d),
 * from the seed's 'data' and 'init' streams. The float64 reference (cli/float64.ts) draws the same.
 */
export function regressionDraws(seed: number, kappa: number, n: number) {
  const data = makeRng(seed, 'data');
  const init = makeRng(seed, 'init');
  const k = 10;
  const d = 6;
  const u = data.uniformArray(k * d);
  const A = new Float64Array(k * d);
  for (let i = 0; i < k; i++) {
    const s = 1 + ((1 / kappa - 1) * i) / (k - 1);
    for (let j = 0; j < d; j++) A[i * d + j] = s * u[i * d + j]!;
  }
  const X = data.normalArray(d * n);
  return { k, d, A, X, W1: init.normalArray(k * d), W2: init.normalArray(d * d) };
}

export function createRegression(settings: Settings, seed: number): Task {
  const kappa = Number(settings.kappa ?? regressionInfo.defaults.kappa);
  const n = Number(settings.samples ?? regressionInfo.defaults.samples);
  if (!(kappa >= 1)) throw new Error(`regression: kappa must be ≥ 1, got ${String(settings.kappa)}.`);
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`regression: samples must be a positive integer, got ${String(settings.samples)}.`);
  // A and Y = A·X in float64 on the host, then rounded once to float32.
  const { k, d, A, X, W1: w1, W2: w2 } = regressionDraws(seed, kappa, n);
  const Y = new Float32Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let c = 0; c < n; c++) {
      let acc = 0;
      for (let j = 0; j < d; j++) acc += A[i * d + j]! * X[j * n + c]!;
      Y[i * n + c] = acc;
    }
  }
  const x = tf.tensor2d(X, [d, n]);
  const y = tf.tensor2d(Y, [k, n]);
  const W1 = tf.tidy(() => tf.variable(tf.tensor2d(w1, [k, d]), true));
  const W2 = tf.tidy(() => tf.variable(tf.tensor2d(w2, [d, d]), true));
  return {
    id: 'regression',
    description:
      `Deep linear regression W1·W2·x ≈ A·x (Recht's shallow-linear-net): κ(A) = ${kappa.toExponential(0)}, ` +
      `${n} samples, full batch, summed squared loss. Float32 floors the loss near 1e-10 (≈ 1e-11 at an exact factorisation).`,
    settings: { kappa, samples: n },
    params: [W1, W2],
    stepsPerEpoch: 1,
    batchLoss: () => () => tf.sum(tf.square(tf.sub(tf.matMul(tf.matMul(W1, W2), x), y))) as tf.Scalar,
    dispose: () => tf.dispose([x, y, W1, W2]),
  };
}
createRegression.meta = regressionInfo;
