import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../lib/rng';
import { glorot } from './classifier';
import { dncConstants, dncParameterCount, dncUnroll, initDncWeights, maskedSigmoidXent, type DncConfig } from './dnc';
import type { Settings, Task } from './types';
import { repeatCopyInfo } from './repeatCopy.meta';

export { repeatCopyInfo };

export interface RepeatCopySettings {
  readonly bits: number;
  readonly minLength: number;
  readonly maxLength: number;
  readonly minRepeats: number;
  readonly maxRepeats: number;
  readonly normMax: number;
  readonly batchSize: number;
}

export interface RepeatCopyBatch {
  /** [time, batch, bits + 2]: the pattern bits, a start flag, and the repeat count divided by normMax. */
  readonly input: Float32Array;
  /** [time, batch, bits + 1]: the pattern repeated, then an end flag. */
  readonly target: Float32Array;
  /** [time, batch]: 1 where the output is scored. */
  readonly mask: Float32Array;
  /** The longest sequence of the batch: max over b of L·(R + 1) + 3. */
  readonly time: number;
  readonly lengths: readonly number[];
  readonly repeats: readonly number[];
}

/**
 * One batch of deepmind/dnc's REPEAT-COPY (repeat_copy.py): all lengths are drawn first, then all repeat
 * counts, then each sequence's bits. A sequence shows a start flag (t = 0), its pattern of L steps, then
 * R / normMax in the last channel (t = L + 1); the target is the pattern R times followed by an end flag, and
 * those L·R + 1 steps are scored. The batch is as long as its longest sequence.
 */
export function repeatCopyBatch(s: RepeatCopySettings, seed: number, step: number): RepeatCopyBatch {
  const rng = makeRng(seed, `batches/${step}`);
  const B = s.batchSize;
  const lengths = Array.from({ length: B }, () => s.minLength + rng.int(s.maxLength - s.minLength + 1));
  const repeats = Array.from({ length: B }, () => s.minRepeats + rng.int(s.maxRepeats - s.minRepeats + 1));
  const patterns = lengths.map((L) => Array.from({ length: L }, () => Array.from({ length: s.bits }, () => (rng.uniform() < 0.5 ? 0 : 1))));
  return repeatCopyLayout(s.bits, s.normMax, lengths, repeats, patterns);
}

/** Lays out given sequences (patterns[b] is L × bits of 0/1) as deepmind's observation, target and mask. */
export function repeatCopyLayout(
  bits: number,
  normMax: number,
  lengths: readonly number[],
  repeats: readonly number[],
  patterns: readonly (readonly (readonly number[])[])[],
): RepeatCopyBatch {
  const B = lengths.length;
  const time = Math.max(...lengths.map((L, b) => L * (repeats[b]! + 1) + 3));
  const cin = bits + 2;
  const cout = bits + 1;
  const input = new Float32Array(time * B * cin);
  const target = new Float32Array(time * B * cout);
  const mask = new Float32Array(time * B);
  for (let b = 0; b < B; b++) {
    const L = lengths[b]!;
    const R = repeats[b]!;
    const pattern = patterns[b]!;
    const at = (t: number, c: number, width: number) => (t * B + b) * width + c;
    input[at(0, bits, cin)] = 1;
    for (let t = 0; t < L; t++) for (let c = 0; c < bits; c++) input[at(1 + t, c, cin)] = pattern[t]![c]!;
    input[at(L + 1, bits + 1, cin)] = R / normMax;
    const out0 = L + 2;
    for (let r = 0; r < R; r++) {
      for (let t = 0; t < L; t++) {
        const tt = out0 + r * L + t;
        for (let c = 0; c < bits; c++) target[at(tt, c, cout)] = pattern[t]![c]!;
        mask[tt * B + b] = 1;
      }
    }
    const end = out0 + R * L;
    target[at(end, bits, cout)] = 1;
    mask[end * B + b] = 1;
  }
  return { input, target, mask, time, lengths, repeats };
}

/** A model over a whole sequence: observations [T, B, X] to logits [T, B, O]. */
interface SequenceModel {
  readonly params: tf.Variable[];
  readonly summary: string;
  logits(x: tf.Tensor3D): tf.Tensor3D;
  dispose(): void;
}

/** deepmind/dnc's DNC (tasks/dnc) at the task's sizes, Sonnet's initialisation. */
function dncModel(c: DncConfig, seed: number): SequenceModel {
  const w = initDncWeights(c, makeRng(seed, 'init'));
  const k = dncConstants(c);
  return {
    params: [w.gatesW, w.gatesB, w.interfaceW, w.interfaceB, w.outputW, w.outputB],
    summary:
      `DNC controller (LSTM ${c.hidden}, ${c.memorySize} slots × ${c.wordSize}, ${c.readHeads} read / ${c.writeHeads} write heads, ` +
      `clip ${c.clipValue}; ${dncParameterCount(c).toLocaleString('en')} parameters)`,
    logits: (x) => dncUnroll(c, w, k, x),
    dispose: () => tf.dispose([w, k] as never),
  };
}

/** The cheap option: an LSTM (zero biases, no clipping) and a linear read-out, no memory. */
function lstmModel(cin: number, cout: number, hidden: number, seed: number): SequenceModel {
  const init = makeRng(seed, 'init');
  const kernel = glorot(init, cin + hidden, 4 * hidden);
  const bias = tf.tidy(() => tf.variable(tf.zeros([4 * hidden]), true));
  const readW = glorot(init, hidden, cout);
  const readB = tf.tidy(() => tf.variable(tf.zeros([cout]), true));
  const forgetBias = tf.scalar(1);
  return {
    params: [kernel, bias, readW, readB],
    summary: `LSTM controller (${hidden} units) and a linear read-out, no memory`,
    logits: (x) => {
      const B = x.shape[1];
      let c = tf.zeros([B, hidden]) as tf.Tensor2D;
      let h = tf.zeros([B, hidden]) as tf.Tensor2D;
      const logits = tf.unstack(x).map((xt) => {
        [c, h] = tf.basicLSTMCell(forgetBias, kernel as tf.Tensor2D, bias as tf.Tensor1D, xt as tf.Tensor2D, c, h);
        return tf.add(tf.matMul(h, readW), readB) as tf.Tensor2D;
      });
      return tf.stack(logits) as tf.Tensor3D;
    },
    dispose: () => tf.dispose([kernel, bias, readW, readB, forgetBias]),
  };
}

/**
 * REPEAT-COPY as deepmind/dnc's train.py runs it: a DNC (or, as the cheap option, an LSTM) unrolled over the
 * batch in one graph; the loss is deepmind's masked sigmoid cross-entropy summed over the scored steps and
 * bits and divided by the batch size (nats per sequence; guessing costs ≈ 6.9 at the defaults). Data are
 * generated on the fly from the seed's batch stream, so there is no test set.
 */
export function createRepeatCopy(settings: Settings, seed: number): Task {
  const d = repeatCopyInfo.defaults;
  const int = (k: string) => {
    const x = Number(settings[k] ?? d[k]);
    if (!Number.isInteger(x) || x < 1) throw new Error(`repeat-copy: ${k} must be a positive integer, got ${String(settings[k])}.`);
    return x;
  };
  const num = (k: string) => Number(settings[k] ?? d[k]);
  const controller = String(settings.controller ?? d.controller);
  if (controller !== 'dnc' && controller !== 'lstm') throw new Error(`repeat-copy: controller must be dnc or lstm, got ${controller}.`);
  const s: RepeatCopySettings = {
    bits: int('bits'),
    minLength: int('minLength'),
    maxLength: int('maxLength'),
    minRepeats: int('minRepeats'),
    maxRepeats: int('maxRepeats'),
    normMax: num('normMax'),
    batchSize: int('batchSize'),
  };
  if (s.minLength > s.maxLength) throw new Error(`repeat-copy: minLength ${s.minLength} exceeds maxLength ${s.maxLength}.`);
  if (s.minRepeats > s.maxRepeats) throw new Error(`repeat-copy: minRepeats ${s.minRepeats} exceeds maxRepeats ${s.maxRepeats}.`);
  if (!(s.normMax > 0)) throw new Error(`repeat-copy: normMax must be > 0, got ${String(settings.normMax)}.`);
  const cin = s.bits + 2;
  const cout = s.bits + 1;
  const hidden = int('hidden');
  let sizes: Record<string, number> = { hidden };
  let model: SequenceModel;
  if (controller === 'dnc') {
    const c: DncConfig = {
      inputSize: cin,
      outputSize: cout,
      hidden,
      memorySize: int('memorySize'),
      wordSize: int('wordSize'),
      readHeads: int('readHeads'),
      writeHeads: int('writeHeads'),
      clipValue: num('clipValue'),
      forgetBias: 1,
    };
    const { inputSize: _x, outputSize: _o, forgetBias: _f, ...dncSizes } = c;
    sizes = dncSizes;
    model = dncModel(c, seed);
  } else {
    model = lstmModel(cin, cout, hidden, seed);
  }
  return {
    id: 'repeat-copy',
    description:
      `REPEAT-COPY (deepmind/dnc): ${s.bits} bits, length ${s.minLength}–${s.maxLength}, ${s.minRepeats}–${s.maxRepeats} repeats ` +
      `(÷ ${s.normMax}), batch ${s.batchSize}; ${model.summary}; loss = masked sigmoid cross-entropy (nats per sequence).`,
    settings: { controller, ...s, ...sizes },
    params: model.params,
    stepsPerEpoch: 1,
    batchLoss: (step) => {
      const batch = repeatCopyBatch(s, seed, step);
      const x = tf.tensor3d(batch.input, [batch.time, s.batchSize, cin]);
      const y = tf.tensor3d(batch.target, [batch.time, s.batchSize, cout]);
      const m = tf.tensor2d(batch.mask, [batch.time, s.batchSize]);
      return () => maskedSigmoidXent(model.logits(x), y, m);
    },
    dispose: () => model.dispose(),
  };
}
createRepeatCopy.meta = repeatCopyInfo;
