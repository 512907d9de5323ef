import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../lib/rng';
import type { Settings, Task, TaskInfo } from './types';

type Fn = (x: tf.Scalar, y: tf.Scalar, kappa: number) => tf.Scalar;

/** The 2-D test functions, each ≥ 0 with minimum value 0, and a standard start point. */
export const FUNCTIONS_2D: Record<string, { title: string; f: Fn; start: [number, number]; minimum: [number, number] }> = {
  rosenbrock: {
    title: 'Rosenbrock (1 − x)² + 100·(y − x²)²',
    f: (x, y) => tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x))))) as tf.Scalar,
    start: [-1.2, 1],
    minimum: [1, 1],
  },
  beale: {
    title: 'Beale (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²',
    f: (x, y) =>
      tf.addN([
        tf.square(tf.add(tf.sub(1.5, x), tf.mul(x, y))),
        tf.square(tf.add(tf.sub(2.25, x), tf.mul(x, tf.square(y)))),
        tf.square(tf.add(tf.sub(2.625, x), tf.mul(x, tf.pow(y, 3)))),
      ]) as tf.Scalar,
    start: [1, 1.5],
    minimum: [3, 0.5],
  },
  quadratic: {
    title: 'Ill-conditioned quadratic ½·(x² + κ·y²)',
    f: (x, y, kappa) => tf.mul(0.5, tf.add(tf.square(x), tf.mul(kappa, tf.square(y)))) as tf.Scalar,
    start: [1.5, -2],
    minimum: [0, 0],
  },
  rastrigin: {
    title: 'Rastrigin 20 + Σ (x_i² − 10·cos 2πx_i)',
    f: (x, y) => {
      const term = (v: tf.Scalar) => tf.sub(tf.square(v), tf.mul(10, tf.cos(tf.mul(2 * Math.PI, v))));
      return tf.add(20, tf.add(term(x), term(y))) as tf.Scalar;
    },
    start: [2.2, -3.1],
    minimum: [0, 0],
  },
};

export const functions2dInfo: TaskInfo = {
  id: 'functions-2d',
  title: '2-D test functions (Rosenbrock, Beale, quadratic, Rastrigin)',
  defaults: { fn: 'rosenbrock', kappa: 100, noise: 0 },
  defaultSteps: 2000,
};

/**
 * A 2-D function as a task, for teaching and tests. With `noise` σ > 0 each step evaluates f at a point
 * perturbed by σ·ξ (ξ ~ N(0, I) from the seed's batch stream): a stochastic loss and gradient that stay ≥ 0,
 * like a minibatch. Settings `x0`, `y0` override the start point.
 */
export function createFunctions2d(settings: Settings, seed: number): Task {
  const fn = String(settings.fn ?? functions2dInfo.defaults.fn);
  const spec = FUNCTIONS_2D[fn];
  if (!spec) throw new Error(`functions-2d: unknown function "${fn}" (choose ${Object.keys(FUNCTIONS_2D).join(', ')}).`);
  const kappa = Number(settings.kappa ?? functions2dInfo.defaults.kappa);
  const noise = Number(settings.noise ?? 0);
  if (!(kappa > 0)) throw new Error(`functions-2d: kappa must be > 0, got ${String(settings.kappa)}.`);
  if (!(noise >= 0)) throw new Error(`functions-2d: noise must be ≥ 0, got ${String(settings.noise)}.`);
  const start: [number, number] = [Number(settings.x0 ?? spec.start[0]), Number(settings.y0 ?? spec.start[1])];
  if (!start.every(Number.isFinite)) throw new Error(`functions-2d: the start point must be finite, got (${start.join(', ')}).`);
  const theta = tf.tidy(() => tf.variable(tf.tensor1d(start), true));
  return {
    id: 'functions-2d',
    description: `${spec.title}${fn === 'quadratic' ? `, κ = ${kappa}` : ''}, from (${start.join(', ')}); minimum 0 at (${spec.minimum.join(', ')})${noise > 0 ? `; evaluated at points perturbed by σ = ${noise}` : ''}.`,
    settings: { fn, kappa, noise, x0: start[0], y0: start[1] },
    params: [theta],
    stepsPerEpoch: 1,
    batchLoss: (step) => {
      const xi = noise > 0 ? makeRng(seed, `batches/${step}`).normalArray(2, 0, noise) : null;
      return () => {
        const p = xi ? tf.add(theta, tf.tensor1d(xi)) : theta;
        const [x, y] = tf.unstack(p) as [tf.Scalar, tf.Scalar];
        return spec.f(x, y, kappa);
      };
    },
    dispose: () => theta.dispose(),
  };
}
