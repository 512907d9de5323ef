import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../lib/rng';
import { classifierParts, epochBatches, glorot, imageBatchOf } from './classifier';
import type { MnistLike } from './data/mnist';
import type { Settings, Task } from './types';
import { mnistMlpInfo } from './mnistMlp.meta';

export { mnistMlpInfo };

/**
 * The paper's MNIST task: 784-300-100-10 with ReLU and softmax cross-entropy, batch 64 by default. Each
 * epoch visits the training set in an order drawn from the seed's batch stream (the last partial batch is
 * dropped), so paired runs see the same batches. `evaluate` gives test loss and accuracy on the 10k test set.
 */
export function createMnistMlp(settings: Settings, seed: number, data: MnistLike): Task {
  const batchSize = Number(settings.batchSize ?? mnistMlpInfo.defaults.batchSize);
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= data.train.n)) {
    throw new Error(`mnist-mlp: batch size must be an integer in [1, ${data.train.n}], got ${String(settings.batchSize)}.`);
  }
  const init = makeRng(seed, 'init');
  const sizes = [784, 300, 100, 10];
  const params: tf.Variable[] = [];
  for (let i = 0; i < 3; i++) {
    // As in the authors' L4_MNIST notebook: Xavier-uniform hidden weights, zero biases, and a zero output layer.
    params.push(i < 2 ? glorot(init, sizes[i]!, sizes[i + 1]!) : tf.tidy(() => tf.variable(tf.zeros([sizes[i]!, sizes[i + 1]!]), true)));
    params.push(tf.tidy(() => tf.variable(tf.zeros([sizes[i + 1]!]), true)));
  }
  const forward = (x: tf.Tensor2D) => {
    const [w1, b1, w2, b2, w3, b3] = params as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    return tf.add(tf.matMul(h2, w3), b3) as tf.Tensor2D;
  };
  const { stepsPerEpoch, rowsFor } = epochBatches(seed, data.train.n, batchSize);
  return {
    id: 'mnist-mlp',
    description: `MNIST (${data.train.n} train / ${data.test.n} test), 784-300-100-10 ReLU MLP, softmax cross-entropy, batch ${batchSize}, ${stepsPerEpoch} steps per epoch.`,
    settings: { batchSize },
    params,
    stepsPerEpoch,
    ...classifierParts(data, imageBatchOf, rowsFor, forward),
    dispose: () => tf.dispose(params),
  };
}
createMnistMlp.meta = mnistMlpInfo;
