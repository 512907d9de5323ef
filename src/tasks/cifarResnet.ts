import * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from '../lib/rng';
import { epochBatches, evaluateClassifier, glorot } from './classifier';
import type { RgbSet } from './data/cifar';
import type { Settings, Task } from './types';
import { cifarResnetInfo } from './cifarResnet.meta';

export { cifarResnetInfo };

/** He-normal conv kernel [k, k, in, out] (the ResNet paper's initialisation). */
function heConv(rng: Rng, k: number, cin: number, cout: number): tf.Variable<tf.Rank.R4> {
  const std = Math.sqrt(2 / (k * k * cin));
  return tf.tidy(() =>
    tf.variable(tf.tensor4d(rng.normalArray(k * k * cin * cout, 0, std), [k, k, cin, cout]), true),
  ) as tf.Variable<tf.Rank.R4>;
}

interface Bn {
  gamma: tf.Variable;
  beta: tf.Variable;
  /** Running averages of the batch mean and variance (not trained), used when evaluating. */
  mean: tf.Variable;
  variance: tf.Variable;
}

/** Running-average decay of batch norm's statistics (Keras' default; TF's official ResNet uses 0.997). */
export const BN_MOMENTUM = 0.99;

/**
 * The CIFAR-10 ResNet of He et al. (2016), as in TensorFlow's official model the paper used: a 3×3 conv
 * with `width` filters, three stages of n residual blocks (width, 2·width, 4·width filters; depth = 6n + 2,
 * so 20 → n = 3 and 32 → n = 5), batch norm after every conv, projection shortcuts where the shape changes,
 * global average pooling and a dense layer. Loss = softmax cross-entropy + weightDecay·Σ½‖W‖² over the conv
 * and dense kernels (L2 in the loss, the paper's setting).
 *
 * Batch norm normalises with the batch's statistics while training and keeps running averages of them
 * (decay BN_MOMENTUM), which evaluation uses. Simplifications, stated: no data augmentation; the running
 * averages are not part of checkpoints (a run resumed after a reload rebuilds them within ~100 steps).
 */
export function createCifarResnet(settings: Settings, seed: number, data: { train: RgbSet; test: RgbSet }): Task {
  const d = cifarResnetInfo.defaults;
  const depth = Number(settings.depth ?? d.depth);
  if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0) {
    throw new Error(`cifar10-resnet: depth must be 6n + 2 (20, 32, 44 …), got ${String(settings.depth)}.`);
  }
  const batchSize = Number(settings.batchSize ?? d.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 2 || batchSize > data.train.n) {
    throw new Error(`cifar10-resnet: batch size must be an integer in [2, ${data.train.n}], got ${String(settings.batchSize)}.`);
  }
  const wd = Number(settings.weightDecay ?? d.weightDecay);
  if (!(wd >= 0)) throw new Error(`cifar10-resnet: weightDecay must be ≥ 0, got ${String(settings.weightDecay)}.`);
  const width = Number(settings.width ?? d.width);
  if (!Number.isInteger(width) || width < 1)
    throw new Error(`cifar10-resnet: width must be a positive integer, got ${String(settings.width)}.`);
  const n = (depth - 2) / 6;
  const init = makeRng(seed, 'init');
  const kernels: tf.Variable[] = [];
  const params: tf.Variable[] = [];
  const conv = (k: number, cin: number, cout: number) => {
    const v = heConv(init, k, cin, cout);
    kernels.push(v);
    params.push(v);
    return v;
  };
  const stats: tf.Variable[] = [];
  const bn = (c: number): Bn => {
    const gamma = tf.tidy(() => tf.variable(tf.ones([c]), true));
    const beta = tf.tidy(() => tf.variable(tf.zeros([c]), true));
    const mean = tf.tidy(() => tf.variable(tf.zeros([c]), false));
    const variance = tf.tidy(() => tf.variable(tf.ones([c]), false));
    params.push(gamma, beta);
    stats.push(mean, variance);
    return { gamma, beta, mean, variance };
  };
  const stem = { k: conv(3, 3, width), bn: bn(width) };
  const blocks: {
    k1: tf.Variable<tf.Rank.R4>;
    bn1: Bn;
    k2: tf.Variable<tf.Rank.R4>;
    bn2: Bn;
    stride: 1 | 2;
    proj: { k: tf.Variable<tf.Rank.R4>; bn: Bn } | null;
  }[] = [];
  let cin = width;
  for (let stage = 0; stage < 3; stage++) {
    const cout = width * 2 ** stage;
    for (let b = 0; b < n; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const block = {
        k1: conv(3, cin, cout),
        bn1: bn(cout),
        k2: conv(3, cout, cout),
        bn2: bn(cout),
        stride: stride as 1 | 2,
        proj: stride !== 1 || cin !== cout ? { k: conv(1, cin, cout), bn: bn(cout) } : null,
      };
      blocks.push(block);
      cin = cout;
    }
  }
  const dense = glorot(init, cin, 10);
  const denseB = tf.tidy(() => tf.variable(tf.zeros([10]), true));
  kernels.push(dense);
  params.push(dense, denseB);

  let training = false;
  const batchNorm = (x: tf.Tensor4D, p: Bn) => {
    if (!training)
      return tf.batchNorm4d(x, p.mean as tf.Tensor1D, p.variance as tf.Tensor1D, p.beta as tf.Tensor1D, p.gamma as tf.Tensor1D, 1e-3);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    tf.tidy(() => {
      p.mean.assign(tf.add(tf.mul(p.mean, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
      p.variance.assign(tf.add(tf.mul(p.variance, BN_MOMENTUM), tf.mul(variance, 1 - BN_MOMENTUM)));
    });
    return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, p.beta as tf.Tensor1D, p.gamma as tf.Tensor1D, 1e-3);
  };
  const forward = (x: tf.Tensor4D) => {
    let h = tf.relu(batchNorm(tf.conv2d(x, stem.k, 1, 'same'), stem.bn)) as tf.Tensor4D;
    for (const b of blocks) {
      const y1 = tf.relu(batchNorm(tf.conv2d(h, b.k1, b.stride, 'same'), b.bn1)) as tf.Tensor4D;
      const y2 = batchNorm(tf.conv2d(y1, b.k2, 1, 'same'), b.bn2);
      const short = b.proj ? batchNorm(tf.conv2d(h, b.proj.k, b.stride, 'same'), b.proj.bn) : h;
      h = tf.relu(tf.add(y2, short)) as tf.Tensor4D;
    }
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    return tf.add(tf.matMul(pooled, dense), denseB) as tf.Tensor2D;
  };
  /** Per-channel standardisation with the CIFAR-10 training set's mean and std. */
  const MEAN = [125.3, 123.0, 113.9];
  const STD = [63.0, 62.1, 66.7];
  const toBatch = (set: RgbSet, rows: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor2D } => {
    const x = new Float32Array(rows.length * 3072);
    const y = new Float32Array(rows.length * 10);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const img = set.images.subarray(r * 3072, (r + 1) * 3072);
      // Channel-first on disk → NHWC here.
      for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) x[i * 3072 + p * 3 + c] = (img[c * 1024 + p]! - MEAN[c]!) / STD[c]!;
      y[i * 10 + set.labels[r]!] = 1;
    }
    return { x: tf.tensor4d(x, [rows.length, 32, 32, 3]), y: tf.tensor2d(y, [rows.length, 10]) };
  };
  const { stepsPerEpoch, rowsFor } = epochBatches(seed, data.train.n, batchSize);
  return {
    id: 'cifar10-resnet',
    description:
      `CIFAR-10 (${data.train.n} train / ${data.test.n} test), ResNet-${depth} (width ${width}) with batch norm, batch ${batchSize}, ` +
      `cross-entropy + ${wd}·Σ½‖W‖²; evaluation with batch norm's running averages; no augmentation.`,
    settings: { depth, batchSize, weightDecay: wd, width },
    params,
    stepsPerEpoch,
    batchLoss: (step) => {
      const { x, y } = toBatch(data.train, rowsFor(step));
      return () => {
        training = true;
        let logits: tf.Tensor2D;
        try {
          logits = forward(x);
        } finally {
          training = false;
        }
        const ce = tf.losses.softmaxCrossEntropy(y, logits);
        if (wd === 0) return ce as tf.Scalar;
        const l2 = tf.addN(kernels.map((k) => tf.sum(tf.square(k))));
        return tf.add(ce, tf.mul(l2, wd / 2)) as tf.Scalar;
      };
    },
    evaluate: () =>
      evaluateClassifier(
        data.test.n,
        (rows) => toBatch(data.test, rows),
        (x) => forward(x as tf.Tensor4D),
        500,
      ),
    dispose: () => tf.dispose([...params, ...stats]),
  };
}
createCifarResnet.meta = cifarResnetInfo;
