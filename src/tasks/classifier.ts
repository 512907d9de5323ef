import * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from '../lib/rng';
import type { ImageSet } from './data/idx';
import type { Evaluation } from './types';

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
 * Epoch-wise batches: each epoch visits the n training rows in an order drawn from the seed's batch stream
 * (the last partial batch is dropped), so paired runs see the same batches whatever their optimizer.
 */
export function epochBatches(seed: number, n: number, batchSize: number): { stepsPerEpoch: number; rowsFor(step: number): Int32Array } {
  const stepsPerEpoch = Math.floor(n / batchSize);
  let orderEpoch = -1;
  let order: Int32Array = new Int32Array(0);
  return {
    stepsPerEpoch,
    rowsFor(step) {
      const epoch = Math.floor(step / stepsPerEpoch);
      if (epoch !== orderEpoch) {
        order = makeRng(seed, `batches/epoch${epoch}`).permutation(n);
        orderEpoch = epoch;
      }
      const k = step % stepsPerEpoch;
      return order.subarray(k * batchSize, (k + 1) * batchSize);
    },
  };
}

/** Builds the input and one-hot tensors for some rows of a dataset. */
export type BatchOf<X extends tf.Tensor = tf.Tensor> = (rows: number[]) => { x: X; y: tf.Tensor2D };

/** The [rows, 784] inputs in [0, 1] and one-hot labels of an MNIST-format set. */
export function imageBatchOf(set: ImageSet): BatchOf<tf.Tensor2D> {
  return (rows) => {
    const { x, y } = gatherBatch(set, rows);
    return { x: tf.tensor2d(x, [rows.length, set.rows * set.cols]), y: tf.tensor2d(y, [rows.length, 10]) };
  };
}

/**
 * The [rows, 784] inputs standardised by `mean` and `std` (pixels first scaled to [0, 1], then (x − mean)/std, as
 * torchvision's Normalize) and one-hot labels.
 */
export function standardisedImageBatchOf(set: ImageSet, mean: number, std: number): BatchOf<tf.Tensor2D> {
  return (rows) => {
    const { x, y } = gatherBatch(set, rows);
    for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean) / std;
    return { x: tf.tensor2d(x, [rows.length, set.rows * set.cols]), y: tf.tensor2d(y, [rows.length, 10]) };
  };
}

/** MNIST's training-set pixel mean and standard deviation (the PyTorch examples' Normalize((0.1307,), (0.3081,))). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/**
 * What an image classifier's task does with its data: the softmax cross-entropy of the batch for a step (its rows
 * from `rowsFor`) and the evaluation on the test set, both through `batchOf` (pixels in [0, 1], or standardised).
 */
export function classifierParts(
  data: { readonly train: ImageSet; readonly test: ImageSet },
  batchOf: (set: ImageSet) => BatchOf<tf.Tensor2D>,
  rowsFor: (step: number) => ArrayLike<number>,
  forward: (x: tf.Tensor2D) => tf.Tensor2D,
): { batchLoss: (step: number) => () => tf.Scalar; evaluate: () => Promise<Evaluation> } {
  const trainBatch = batchOf(data.train);
  return {
    batchLoss: (step) => {
      const { x, y } = trainBatch(Array.from(rowsFor(step)));
      return () => tf.losses.softmaxCrossEntropy(y, forward(x)) as tf.Scalar;
    },
    evaluate: () => evaluateClassifier(data.test.n, batchOf(data.test), (x) => forward(x as tf.Tensor2D)),
  };
}

/** Mean softmax cross-entropy and accuracy over n examples, in chunks, with one readback. */
export async function evaluateClassifier(
  n: number,
  batchOf: BatchOf,
  forward: (x: tf.Tensor) => tf.Tensor2D,
  chunk = 1000,
): Promise<Evaluation> {
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < n; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, n - start) }, (_, i) => start + i);
    parts.push(
      tf.tidy(() => {
        const { x, y } = batchOf(rows);
        const logits = forward(x);
        const lossSum = tf.sum(tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.NONE));
        const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32'));
        return tf.stack([lossSum, correct]);
      }),
    );
  }
  const total = tf.tidy(() => tf.sum(tf.stack(parts), 0));
  const [lossSum, correct] = await total.data();
  tf.dispose([...parts, total]);
  return { testLoss: lossSum! / n, testAccuracy: correct! / n };
}
