import * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from '../lib/rng';
import type { ImageSet } from './data/idx';
import type { MnistLike } from './data/mnist';
import type { Evaluation, Settings, Task, TaskInfo } from './types';

export const mnistMlpInfo: TaskInfo = {
  id: 'mnist-mlp',
  title: 'MNIST, 784-300-100-10 ReLU MLP (Sec. 3.2, Fig. 3, Table 2)',
  defaults: { batchSize: 64 },
  defaultSteps: 937,
};

/** Glorot-uniform weights (Keras' default for dense layers), from the given stream. */
export function glorot(rng: Rng, fanIn: number, fanOut: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.tidy(() => tf.variable(tf.tensor2d(rng.uniformArray(fanIn * fanOut, -limit, limit), [fanIn, fanOut]), true));
}

/** Copies the given rows of an image set into a [rows, 784] float batch in [0, 1] and one-hot labels. */
export function gatherBatch(set: ImageSet, rows: ArrayLike<number>, classes = 10): { x: Float32Array; y: Float32Array } {
  const size = set.rows * set.cols;
  const x = new Float32Array(rows.length * size);
  const y = new Float32Array(rows.length * classes);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const src = set.images.subarray(r * size, (r + 1) * size);
    for (let j = 0; j < size; j++) x[i * size + j] = src[j]! / 255;
    y[i * classes + set.labels[r]!] = 1;
  }
  return { x, y };
}

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
    params.push(glorot(init, sizes[i]!, sizes[i + 1]!));
    params.push(tf.tidy(() => tf.variable(tf.zeros([sizes[i + 1]!]), true)));
  }
  const forward = (x: tf.Tensor2D) => {
    const [w1, b1, w2, b2, w3, b3] = params as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    return tf.add(tf.matMul(h2, w3), b3) as tf.Tensor2D;
  };
  const stepsPerEpoch = Math.floor(data.train.n / batchSize);
  let orderEpoch = -1;
  let order: Int32Array = new Int32Array(0);
  const rowsFor = (step: number) => {
    const epoch = Math.floor(step / stepsPerEpoch);
    if (epoch !== orderEpoch) {
      order = makeRng(seed, `batches/epoch${epoch}`).permutation(data.train.n);
      orderEpoch = epoch;
    }
    const k = step % stepsPerEpoch;
    return order.subarray(k * batchSize, (k + 1) * batchSize);
  };
  return {
    id: 'mnist-mlp',
    description: `MNIST (${data.train.n} train / ${data.test.n} test), 784-300-100-10 ReLU MLP, softmax cross-entropy, batch ${batchSize}, ${stepsPerEpoch} steps per epoch.`,
    settings: { batchSize },
    params,
    stepsPerEpoch,
    batchLoss: (step) => {
      const { x, y } = gatherBatch(data.train, rowsFor(step));
      const xt = tf.tensor2d(x, [batchSize, 784]);
      const yt = tf.tensor2d(y, [batchSize, 10]);
      return () => tf.losses.softmaxCrossEntropy(yt, forward(xt)) as tf.Scalar;
    },
    evaluate: () => evaluateClassifier(data.test, forward),
    dispose: () => tf.dispose(params),
  };
}

/** Mean softmax cross-entropy and accuracy over a whole image set, in chunks, with one readback. */
export async function evaluateClassifier(set: ImageSet, forward: (x: tf.Tensor2D) => tf.Tensor2D, chunk = 1000): Promise<Evaluation> {
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < set.n; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, set.n - start) }, (_, i) => start + i);
    const { x, y } = gatherBatch(set, rows);
    parts.push(
      tf.tidy(() => {
        const yt = tf.tensor2d(y, [rows.length, 10]);
        const logits = forward(tf.tensor2d(x, [rows.length, set.rows * set.cols]));
        const lossSum = tf.sum(tf.losses.softmaxCrossEntropy(yt, logits, undefined, undefined, tf.Reduction.NONE));
        const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(yt, 1)), 'float32'));
        return tf.stack([lossSum, correct]);
      }),
    );
  }
  const total = tf.tidy(() => tf.sum(tf.stack(parts), 0));
  const [lossSum, correct] = await total.data();
  tf.dispose([...parts, total]);
  return { testLoss: lossSum! / set.n, testAccuracy: correct! / set.n };
}
