import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../lib/rng';
import { classifierParts, epochBatches, MNIST_MEAN, MNIST_STD, standardisedImageBatchOf } from './classifier';
import type { MnistLike } from './data/mnist';
import type { Settings, Task } from './types';
import { algoperfMnistInfo } from './algoperfMnist.meta';

export { algoperfMnistInfo };

/** AlgoPerf trains on the first 50,000 training images (the last 10,000 are its validation split). */
const TRAIN_ROWS = 50000;

/**
 * AlgoPerf's PyTorch initialisation of a dense layer (init_utils.pytorch_default_init): weights normal with standard
 * deviation √(1/fan_in) / 0.8796 (its truncation at ±2 never binds at these sizes), biases zero.
 */
function denseInit(seed: number, fanIn: number, fanOut: number): [tf.Variable, tf.Variable] {
  const std = Math.sqrt(1 / fanIn) / 0.87962566103423978;
  const w = makeRng(seed, `init/${fanIn}x${fanOut}`).normalArray(fanIn * fanOut, 0, std);
  return tf.tidy(() => [tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true), tf.variable(tf.zeros([fanOut]), true)]);
}

/**
 * AlgoPerf's MNIST workload: 784-128-10, a sigmoid hidden layer, softmax cross-entropy; the first 50,000 training
 * images in epochs drawn from the seed's batch stream (as mnist-mlp's), evaluated on the 10,000 test images
 * `evalsPerEpoch` times an epoch so that the first evaluation past 0.97 is found within a fraction of an epoch.
 */
export function createAlgoperfMnist(settings: Settings, seed: number, data: MnistLike): Task {
  const batchSize = Number(settings.batchSize ?? algoperfMnistInfo.defaults.batchSize);
  const evalsPerEpoch = Number(settings.evalsPerEpoch ?? algoperfMnistInfo.defaults.evalsPerEpoch);
  const n = Math.min(TRAIN_ROWS, data.train.n);
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= n))
    throw new Error(`algoperf-mnist: batch size must be an integer in [1, ${n}], got ${String(settings.batchSize)}.`);
  const [w1, b1] = denseInit(seed, 784, 128);
  const [w2, b2] = denseInit(seed, 128, 10);
  const params = [w1, b1, w2, b2];
  const forward = (x: tf.Tensor2D) => tf.add(tf.matMul(tf.sigmoid(tf.add(tf.matMul(x, w1), b1)), w2), b2) as tf.Tensor2D;
  const { stepsPerEpoch, rowsFor } = epochBatches(seed, n, batchSize);
  return {
    id: 'algoperf-mnist',
    description: `AlgoPerf's MNIST workload: the first ${n} training images (standardised), 784-128-10 sigmoid MLP, softmax cross-entropy, batch ${batchSize}, ${stepsPerEpoch} steps per epoch; target test accuracy 0.97, evaluated ${evalsPerEpoch}× per epoch on ${data.test.n} test images.`,
    settings: { batchSize, evalsPerEpoch },
    params,
    stepsPerEpoch,
    evalEvery: Math.max(1, Math.floor(stepsPerEpoch / evalsPerEpoch)),
    ...classifierParts(data, (set) => standardisedImageBatchOf(set, MNIST_MEAN, MNIST_STD), rowsFor, forward),
    dispose: () => tf.dispose(params),
  };
}
createAlgoperfMnist.meta = algoperfMnistInfo;
