import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../lib/rng';
import { classifierParts, epochBatches, MNIST_MEAN, MNIST_STD, standardisedImageBatchOf } from './classifier';
import type { MnistLike } from './data/mnist';
import type { Settings, Task } from './types';
import { stepbackMnistInfo } from './stepbackMnist.meta';

export { stepbackMnistInfo };

/**
 * PyTorch's default initialisation of nn.Linear (kaiming_uniform with a = √5): weights and biases uniform in
 * ±1/√fan_in, from the seed's stream for this layer.
 */
function torchLinear(seed: number, fanIn: number, fanOut: number): [tf.Variable, tf.Variable] {
  const bound = 1 / Math.sqrt(fanIn);
  const rng = makeRng(seed, `init/${fanIn}x${fanOut}`);
  const w = rng.uniformArray(fanIn * fanOut, -bound, bound);
  const b = rng.uniformArray(fanOut, -bound, bound);
  return tf.tidy(() => [tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true), tf.variable(tf.tensor1d(b), true)]);
}

/**
 * step-back's MNIST MLP: 784-100-100-10 ReLU, softmax cross-entropy, batch 128 over all 60,000 training images in
 * epochs drawn from the seed's batch stream (the last partial batch dropped); evaluated on the test images after
 * every epoch.
 */
export function createStepbackMnist(settings: Settings, seed: number, data: MnistLike): Task {
  const batchSize = Number(settings.batchSize ?? stepbackMnistInfo.defaults.batchSize);
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= data.train.n))
    throw new Error(`stepback-mnist: batch size must be an integer in [1, ${data.train.n}], got ${String(settings.batchSize)}.`);
  const layers = [torchLinear(seed, 784, 100), torchLinear(seed, 100, 100), torchLinear(seed, 100, 10)];
  const params = layers.flat();
  const forward = (x: tf.Tensor2D) =>
    layers.reduce<tf.Tensor2D>((h, [w, b], i) => {
      const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
      return i < layers.length - 1 ? tf.relu(z) : z;
    }, x);
  const { stepsPerEpoch, rowsFor } = epochBatches(seed, data.train.n, batchSize);
  return {
    id: 'stepback-mnist',
    description: `MNIST (${data.train.n} train / ${data.test.n} test, standardised), step-back's 784-100-100-10 ReLU MLP with PyTorch's default init, softmax cross-entropy, batch ${batchSize}, ${stepsPerEpoch} steps per epoch.`,
    settings: { batchSize },
    params,
    stepsPerEpoch,
    ...classifierParts(data, (set) => standardisedImageBatchOf(set, MNIST_MEAN, MNIST_STD), rowsFor, forward),
    dispose: () => tf.dispose(params),
  };
}
createStepbackMnist.meta = stepbackMnistInfo;
