import * as tf from '@tensorflow/tfjs';
import { applyStep, disposeState, readDiagnostics } from '../../optim/apply';
import type { Transform } from '../../optim/index';

export type FedStep = Record<string, number> & { theta: number[] };

/**
 * Steps a transform with given (loss, gradient) pairs on one parameter vector, through the functional API,
 * and returns each step's diagnostics and parameters. Leaves no tensors behind.
 */
export async function feed(t: Transform, theta0: number[], steps: { loss?: number; grad: number[] }[]): Promise<FedStep[]> {
  const x = tf.tidy(() => tf.variable(tf.tensor1d(theta0)));
  let state = t.init([x]);
  const out: FedStep[] = [];
  try {
    for (const s of steps) {
      const loss = s.loss === undefined ? undefined : tf.scalar(s.loss);
      const grad = tf.tensor1d(s.grad);
      try {
        state = applyStep(t, [x], [grad], state, loss ? { loss } : {});
      } finally {
        tf.dispose([grad, ...(loss ? [loss] : [])]);
      }
      const theta = Array.from(await x.data());
      out.push({ ...(await readDiagnostics(state)), theta } as unknown as FedStep);
    }
  } finally {
    disposeState(state);
    x.dispose();
  }
  return out;
}
