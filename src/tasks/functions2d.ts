import * as tf from '@tensorflow/tfjs';
import { FORMULAS_2D, type Arith } from '../lib/functions2d';
import { makeRng } from '../lib/rng';
import type { Settings, Task } from './types';
import { functions2dInfo } from './functions2d.meta';

/** Tensor arithmetic for the shared formulas. */
const TENSORS: Arith<tf.Tensor> = {
  c: (v) => tf.scalar(v),
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  square: (a) => tf.square(a),
  cos: (a) => tf.cos(a),
};

/** The 2-D test functions (formulas shared with the teaching page's contours). */
export const FUNCTIONS_2D = FORMULAS_2D;

export { functions2dInfo };

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
        return spec.f(TENSORS, x as tf.Tensor, y as tf.Tensor, kappa) as tf.Scalar;
      };
    },
    dispose: () => theta.dispose(),
  };
}
createFunctions2d.meta = functions2dInfo;
