import * as tf from '@tensorflow/tfjs';
import { applyStep, disposeState } from '../../optim/apply';
import type { Transform } from '../../optim/index';

/** A small deterministic test problem: f(θ) ≥ 0 with known minimum value 0. */
export interface TestProblem {
  readonly name: string;
  readonly start: number[];
  readonly f: (x: tf.Tensor1D) => tf.Scalar;
}

export const quadratic: TestProblem = {
  name: 'quadratic',
  start: [1.5, -2],
  f: (x) => tf.mul(0.5, tf.sum(tf.square(x))) as tf.Scalar,
};

/** ½·(x₁² + κ·x₂²) with κ = 100. */
export const illConditioned: TestProblem = {
  name: 'ill-conditioned quadratic (κ=100)',
  start: [1.5, -2],
  f: (x) => tf.mul(0.5, tf.sum(tf.mul(tf.square(x), tf.tensor1d([1, 100])))) as tf.Scalar,
};

/** (1 − x)² + 100·(y − x²)², minimum 0 at (1, 1). */
export const rosenbrock: TestProblem = {
  name: 'rosenbrock',
  start: [-1.2, 1],
  f: (v) => {
    const [x, y] = tf.unstack(v) as [tf.Scalar, tf.Scalar];
    return tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x))))) as tf.Scalar;
  },
};

/** Every problem of the convergence table. */
export const PROBLEMS = { quadratic, illConditioned, rosenbrock } as const;

/**
 * Runs a transform on a problem with the functional API for `steps` steps; returns the final f and point.
 * Also returns how many tensors were alive before and after, to catch leaks.
 */
export async function runProblem(
  transform: Transform,
  problem: TestProblem,
  steps: number,
  scale = 1,
  shift = 0,
): Promise<{ f: number; x: number[]; tensorsBefore: number; tensorsAfter: number }> {
  const tensorsBefore = tf.memory().numTensors;
  const x = tf.tidy(() => tf.variable(tf.tensor1d(problem.start), true));
  let state = transform.init([x]);
  const loss = () => tf.add(tf.mul(problem.f(x as unknown as tf.Tensor1D), scale), shift) as tf.Scalar;
  for (let t = 0; t < steps; t++) {
    const { value, grads } = tf.variableGrads(loss, [x]);
    state = applyStep(transform, [x], [grads[x.name]!], state, { loss: value });
    tf.dispose([value, grads]);
  }
  const fx = tf.tidy(() => problem.f(x as unknown as tf.Tensor1D));
  const f = (await fx.data())[0]!;
  const xs = Array.from(await x.data());
  tf.dispose([fx, x]);
  disposeState(state);
  return { f, x: xs, tensorsBefore, tensorsAfter: tf.memory().numTensors };
}
