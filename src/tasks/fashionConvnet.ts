import * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from '../lib/rng';
import { epochBatches, evaluateClassifier, glorot, imageBatchOf } from './classifier';
import type { MnistLike } from './data/mnist';
import type { Settings, Task } from './types';
import { fashionConvnetInfo } from './fashionConvnet.meta';

export { fashionConvnetInfo };

/** Glorot-uniform conv kernel [k, k, in, out]. */
function convKernel(rng: Rng, k: number, cin: number, cout: number): tf.Variable<tf.Rank.R4> {
  const limit = Math.sqrt(6 / (k * k * cin + k * k * cout));
  return tf.tidy(() =>
    tf.variable(tf.tensor4d(rng.uniformArray(k * k * cin * cout, -limit, limit), [k, k, cin, cout]), true),
  ) as tf.Variable<tf.Rank.R4>;
}

const positiveInt = (name: string, v: unknown) => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new Error(`fashion-convnet: ${name} must be a positive integer, got ${String(v)}.`);
  return x;
};

/**
 * The Fashion-MNIST ConvNet of the dataset's own benchmark (and TensorFlow's layers tutorial): 5×5 conv
 * with 32 filters, ReLU, 2×2 max-pool; 5×5 conv with 64 filters, ReLU, 2×2 max-pool; dense 1024 with ReLU
 * (dropout optional, off by default); 10 logits; softmax cross-entropy; batch 100. Widths are settings so
 * tests can use a small copy.
 */
export function createFashionConvnet(settings: Settings, seed: number, data: MnistLike): Task {
  const d = fashionConvnetInfo.defaults;
  const batchSize = positiveInt('batch size', settings.batchSize ?? d.batchSize);
  const f1 = positiveInt('filters1', settings.filters1 ?? d.filters1);
  const f2 = positiveInt('filters2', settings.filters2 ?? d.filters2);
  const dense = positiveInt('dense', settings.dense ?? d.dense);
  const dropout = Number(settings.dropout ?? d.dropout);
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`fashion-convnet: dropout must be in [0, 1), got ${String(settings.dropout)}.`);
  if (batchSize > data.train.n) throw new Error(`fashion-convnet: batch size ${batchSize} exceeds the ${data.train.n} training images.`);
  const init = makeRng(seed, 'init');
  const k1 = convKernel(init, 5, 1, f1);
  const b1 = tf.tidy(() => tf.variable(tf.zeros([f1]), true));
  const k2 = convKernel(init, 5, f1, f2);
  const b2 = tf.tidy(() => tf.variable(tf.zeros([f2]), true));
  const w3 = glorot(init, 7 * 7 * f2, dense);
  const b3 = tf.tidy(() => tf.variable(tf.zeros([dense]), true));
  const w4 = glorot(init, dense, 10);
  const b4 = tf.tidy(() => tf.variable(tf.zeros([10]), true));
  const params = [k1, b1, k2, b2, w3, b3, w4, b4];
  const forward = (x: tf.Tensor2D, dropSeed?: number) => {
    const img = tf.reshape(x, [-1, 28, 28, 1]) as tf.Tensor4D;
    const c1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(img, k1, 1, 'same'), b1)) as tf.Tensor4D, 2, 2, 'valid');
    const c2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(c1, k2, 1, 'same'), b2)) as tf.Tensor4D, 2, 2, 'valid');
    let h = tf.relu(tf.add(tf.matMul(tf.reshape(c2, [-1, 7 * 7 * f2]), w3), b3));
    if (dropSeed !== undefined && dropout > 0) h = tf.dropout(h, dropout, undefined, dropSeed);
    return tf.add(tf.matMul(h, w4), b4) as tf.Tensor2D;
  };
  const { stepsPerEpoch, rowsFor } = epochBatches(seed, data.train.n, batchSize);
  const trainBatch = imageBatchOf(data.train);
  return {
    id: 'fashion-convnet',
    description:
      `Fashion-MNIST (${data.train.n} train / ${data.test.n} test), ConvNet conv5×5·${f1}–pool–conv5×5·${f2}–pool–dense ${dense}` +
      `${dropout > 0 ? ` (dropout ${dropout})` : ''}–10, softmax cross-entropy, batch ${batchSize}, ${stepsPerEpoch} steps per epoch.`,
    settings: { batchSize, filters1: f1, filters2: f2, dense, dropout },
    params,
    stepsPerEpoch,
    batchLoss: (step) => {
      const { x: xt, y: yt } = trainBatch(Array.from(rowsFor(step)));
      // Dropout masks come from the seed and the step, so paired runs drop the same units.
      const dropSeed = makeRng(seed, `dropout/${step}`).int(2 ** 31);
      return () => tf.losses.softmaxCrossEntropy(yt, forward(xt, dropSeed)) as tf.Scalar;
    },
    evaluate: () => evaluateClassifier(data.test.n, imageBatchOf(data.test), (x) => forward(x as tf.Tensor2D), 500),
    dispose: () => tf.dispose(params),
  };
}
createFashionConvnet.meta = fashionConvnetInfo;
