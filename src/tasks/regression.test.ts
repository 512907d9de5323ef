import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRegression } from './regression';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function lossAt(task: ReturnType<typeof createRegression>): Promise<number> {
  const l = tf.tidy(() => task.batchLoss(0)());
  const v = (await l.data())[0]!;
  l.dispose();
  return v;
}

describe('regression task (Recht, Sec. 3.1)', () => {
  it('the loss is a sum over samples, not a mean', async () => {
    const small = createRegression({ samples: 100 }, 3);
    const large = createRegression({ samples: 1000 }, 3);
    const ratio = (await lossAt(large)) / (await lossAt(small));
    expect(ratio).toBeGreaterThan(5); // ~10× for ten times the samples
    expect(ratio).toBeLessThan(20);
    small.dispose();
    large.dispose();
  });

  it('float32 floor: at an exact factorisation (W1 = A, W2 = I) the summed loss is ~1e-11, not 0', async () => {
    const task = createRegression({}, 1);
    // With W2 = I the best W1 is A. Gradient descent on W1 alone finds it: the problem in W1 is convex
    // with Hessian 2·X·Xᵀ, whose eigenvalues are all ≈ 2000 for 1000 Gaussian samples.
    const [W1, W2] = task.params as [tf.Variable, tf.Variable];
    W2.assign(tf.eye(6));
    for (let i = 0; i < 300; i++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(task.batchLoss(0), [W1]);
        W1.assign(tf.sub(W1, tf.mul(grads[W1.name]!, 4e-4)));
      });
    }
    const floor = await lossAt(task);
    console.log(`regression float32 floor at W1·W2 = A: ${floor.toExponential(2)}`);
    expect(floor).toBeLessThan(1e-8);
    expect(floor).toBeGreaterThan(0);
    task.dispose();
  });
});
