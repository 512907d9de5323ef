import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../lib/rng';
import { glorot } from './classifier';
import type { Settings, Task } from './types';
import { repeatCopyInfo } from './repeatCopy.meta';

export { repeatCopyInfo };

export interface RepeatCopyBatch {
  /** [time, batch, bits + 2]: pattern bits, a start flag, and the repeat count (divided by maxRepeats). */
  readonly input: Float32Array;
  /** [time, batch, bits + 1]: the pattern repeated, then an end flag. */
  readonly target: Float32Array;
  /** [time, batch]: 1 where the output is scored. */
  readonly mask: Float32Array;
  readonly time: number;
}

/**
 * One batch of DeepMind's REPEAT-COPY (the DNC repository's repeat_copy.py): each sequence shows a start
 * flag, a random bit pattern of length L, then the number of repeats R; the target is the pattern R times
 * followed by an end flag. Sequences are padded to the longest possible length.
 */
export function repeatCopyBatch(
  s: { bits: number; minLength: number; maxLength: number; minRepeats: number; maxRepeats: number; batchSize: number },
  seed: number,
  step: number,
): RepeatCopyBatch {
  const rng = makeRng(seed, `batches/${step}`);
  const time = 1 + s.maxLength + 1 + s.maxLength * s.maxRepeats + 1;
  const cin = s.bits + 2;
  const cout = s.bits + 1;
  const input = new Float32Array(time * s.batchSize * cin);
  const target = new Float32Array(time * s.batchSize * cout);
  const mask = new Float32Array(time * s.batchSize);
  for (let b = 0; b < s.batchSize; b++) {
    const L = s.minLength + rng.int(s.maxLength - s.minLength + 1);
    const R = s.minRepeats + rng.int(s.maxRepeats - s.minRepeats + 1);
    const pattern = Array.from({ length: L * s.bits }, () => (rng.uniform() < 0.5 ? 0 : 1));
    const at = (t: number, c: number, width: number) => (t * s.batchSize + b) * width + c;
    input[at(0, s.bits, cin)] = 1;
    for (let t = 0; t < L; t++) for (let c = 0; c < s.bits; c++) input[at(1 + t, c, cin)] = pattern[t * s.bits + c]!;
    input[at(L + 1, s.bits + 1, cin)] = R / s.maxRepeats;
    const out0 = L + 2;
    for (let r = 0; r < R; r++) {
      for (let t = 0; t < L; t++) {
        const tt = out0 + r * L + t;
        for (let c = 0; c < s.bits; c++) target[at(tt, c, cout)] = pattern[t * s.bits + c]!;
        mask[tt * s.batchSize + b] = 1;
      }
    }
    const end = out0 + R * L;
    target[at(end, s.bits, cout)] = 1;
    mask[end * s.batchSize + b] = 1;
  }
  return { input, target, mask, time };
}

/**
 * REPEAT-COPY with an LSTM controller and a linear read-out (a DNC-style memory is a later goal). The loss
 * is the negative log-likelihood of the target bits under independent Bernoullis, summed over the scored
 * steps and bits and averaged over the batch (the DNC repository's masked sigmoid cross-entropy). Data are
 * generated on the fly from the seed's batch stream, so there is no test set.
 */
export function createRepeatCopy(settings: Settings, seed: number): Task {
  const d = repeatCopyInfo.defaults;
  const get = (k: keyof typeof d) => {
    const x = Number(settings[k] ?? d[k]);
    if (!Number.isInteger(x) || x < 1) throw new Error(`repeat-copy: ${k} must be a positive integer, got ${String(settings[k])}.`);
    return x;
  };
  const s = {
    bits: get('bits'),
    minLength: get('minLength'),
    maxLength: get('maxLength'),
    minRepeats: get('minRepeats'),
    maxRepeats: get('maxRepeats'),
    batchSize: get('batchSize'),
  };
  const hidden = get('hidden');
  if (s.minLength > s.maxLength) throw new Error(`repeat-copy: minLength ${s.minLength} exceeds maxLength ${s.maxLength}.`);
  if (s.minRepeats > s.maxRepeats) throw new Error(`repeat-copy: minRepeats ${s.minRepeats} exceeds maxRepeats ${s.maxRepeats}.`);
  const cin = s.bits + 2;
  const cout = s.bits + 1;
  const init = makeRng(seed, 'init');
  const kernel = glorot(init, cin + hidden, 4 * hidden);
  const bias = tf.tidy(() => tf.variable(tf.zeros([4 * hidden]), true));
  const readW = glorot(init, hidden, cout);
  const readB = tf.tidy(() => tf.variable(tf.zeros([cout]), true));
  const params = [kernel, bias, readW, readB];
  const forgetBias = tf.scalar(1);
  return {
    id: 'repeat-copy',
    description:
      `REPEAT-COPY: ${s.bits} bits, length ${s.minLength}–${s.maxLength}, ${s.minRepeats}–${s.maxRepeats} repeats, batch ${s.batchSize}; ` +
      `LSTM controller (${hidden} units) and a linear read-out; loss = NLL of the target bits (nats per sequence).`,
    settings: { ...s, hidden },
    params,
    stepsPerEpoch: 1,
    batchLoss: (step) => {
      const batch = repeatCopyBatch(s, seed, step);
      const x = tf.tensor3d(batch.input, [batch.time, s.batchSize, cin]);
      const y = tf.tensor3d(batch.target, [batch.time, s.batchSize, cout]);
      const m = tf.tensor2d(batch.mask, [batch.time, s.batchSize]);
      return () => {
        let c = tf.zeros([s.batchSize, hidden]) as tf.Tensor2D;
        let h = tf.zeros([s.batchSize, hidden]) as tf.Tensor2D;
        const xs = tf.unstack(x);
        const logits: tf.Tensor2D[] = [];
        for (const xt of xs) {
          [c, h] = tf.basicLSTMCell(forgetBias, kernel as tf.Tensor2D, bias as tf.Tensor1D, xt as tf.Tensor2D, c, h);
          logits.push(tf.add(tf.matMul(h, readW), readB) as tf.Tensor2D);
        }
        const z = tf.stack(logits) as tf.Tensor3D;
        // Numerically stable sigmoid cross-entropy: max(z, 0) − z·y + log(1 + e^−|z|).
        const xent = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
        return tf.div(tf.sum(tf.mul(tf.sum(xent, 2), m)), s.batchSize) as tf.Scalar;
      };
    },
    dispose: () => tf.dispose([...params, forgetBias]),
  };
}
