/**
 * The test seam of the golden files (src/tasks/__fixtures__/golden-dnc): loads a file's config and weights into the DNC of
 * core.ts and replays it (the unit tests on cpu and wasm, the browser check on WebGL and WebGPU).
 */
import * as tf from '@tensorflow/tfjs';
import {
  checkDncConfig,
  DNC_WEIGHT_NAMES,
  INTERFACE_BLOCKS,
  interfaceWidths,
  type DncConfig,
  type DncState,
  type DncWeights,
} from '../tasks/dnc/model';
import { dncConstants } from '../tasks/dnc/ops';
import { dncStep, dncUnroll, maskedSigmoidXent } from '../tasks/dnc/step';

type Nested = number | Nested[];

/** A golden file of src/tasks/__fixtures__/golden-dnc (its README gives every field). */
export interface DncGolden {
  readonly config: {
    readonly hidden_size: number;
    readonly memory_size: number;
    readonly word_size: number;
    readonly num_read_heads: number;
    readonly num_write_heads: number;
    readonly clip_value: number;
    readonly forget_bias: number;
    readonly num_bits: number;
  };
  readonly weights: Readonly<Record<string, Nested>>;
  readonly observations: number[][][];
  readonly targets: number[][][];
  readonly mask: number[][];
  readonly single_step: { readonly input: number[][]; readonly prev_state: Readonly<Record<string, Nested>> };
}

/** The golden state's keys and ours. */
const STATE_KEYS = {
  h: 'h',
  c: 'c',
  read_words: 'readWords',
  memory: 'memory',
  read_weights: 'readWeights',
  write_weights: 'writeWeights',
  link: 'link',
  precedence: 'precedence',
  usage: 'usage',
} as const satisfies Record<string, keyof DncState>;
type GoldenStateKey = keyof typeof STATE_KEYS;

export interface DncReplay {
  /** [T][B][O]. */
  readonly logits: number[][][];
  readonly loss: number;
  /** d loss / d weight under the golden names (`lstm/w_gates`, `write_keys/w`, …), shaped as the weight. */
  readonly grads: Record<string, Nested>;
  readonly singleStep: { readonly logits: number[][]; readonly state: Record<GoldenStateKey, Nested> };
  /** Per time step, under the golden trace's names (`usage`, `link`, `interface.read_mode`, …): [T][…]. */
  readonly trace: Record<string, Nested>;
}

export const dncConfigOfGolden = (doc: DncGolden): DncConfig => ({
  inputSize: doc.config.num_bits + 2,
  outputSize: doc.config.num_bits + 1,
  hidden: doc.config.hidden_size,
  memorySize: doc.config.memory_size,
  wordSize: doc.config.word_size,
  readHeads: doc.config.num_read_heads,
  writeHeads: doc.config.num_write_heads,
  clipValue: doc.config.clip_value,
  forgetBias: doc.config.forget_bias,
});

/**
 * The test seam of the golden files: loads the file's config and weights, unrolls from the zero state over
 * its observations, and returns the logits, the loss, every weight's gradient (by the golden names, the
 * interface matrix split back into its ten layers) and the single step from the file's `prev_state`.
 * Runs on the current backend; leaves no tensor behind.
 */
export async function replayDncGolden(doc: DncGolden): Promise<DncReplay> {
  const c = dncConfigOfGolden(doc);
  checkDncConfig(c);
  const k = dncConstants(c);
  const widths = interfaceWidths(c);
  const weights = tf.tidy(() => {
    const t = (name: string) => {
      const v = doc.weights[name];
      if (v === undefined) throw new Error(`The golden file has no weight "${name}".`);
      return tf.tensor(v as number[], undefined, 'float32');
    };
    return {
      gatesW: t('lstm/w_gates'),
      gatesB: t('lstm/b_gates'),
      interfaceW: tf.concat(
        INTERFACE_BLOCKS.map((b) => t(`${b}/w`)),
        1,
      ),
      interfaceB: tf.concat(
        INTERFACE_BLOCKS.map((b) => t(`${b}/b`)),
        0,
      ),
      outputW: t('output_linear/w'),
      outputB: t('output_linear/b'),
    } satisfies DncWeights;
  });
  const obs = tf.tensor3d(doc.observations, undefined, 'float32');
  const targets = tf.tensor3d(doc.targets, undefined, 'float32');
  const mask = tf.tensor2d(doc.mask, undefined, 'float32');
  const traced = tf.tidy(() => {
    const steps: Record<string, tf.Tensor[]> = {};
    const add = (name: string, t: tf.Tensor) => (steps[name] ??= []).push(t);
    const logits = dncUnroll(c, weights, k, obs, (_, state, parts) => {
      for (const [g, ours] of Object.entries(STATE_KEYS)) add(g, state[ours]);
      for (const b of INTERFACE_BLOCKS) add(`interface.${b}`, parts.interface[b]);
      add('allocation_weights', parts.allocationWeights);
      add('write_content_weights', parts.writeContentWeights);
      add('read_content_weights', parts.readContentWeights);
      add('forward_weights', parts.forwardWeights);
      add('backward_weights', parts.backwardWeights);
    });
    const trace = Object.fromEntries(Object.entries(steps).map(([n, ts]) => [n, tf.stack(ts)]));
    return { logits, loss: maskedSigmoidXent(logits, targets, mask), trace };
  });
  const order = DNC_WEIGHT_NAMES.map((n) => weights[n]);
  const grads = tf.tidy(() => {
    const g = tf.grads((...ws: tf.Tensor[]) => {
      const w = Object.fromEntries(DNC_WEIGHT_NAMES.map((n, i) => [n, ws[i]!])) as unknown as DncWeights;
      return maskedSigmoidXent(dncUnroll(c, w, k, obs), targets, mask);
    })(order);
    const byName: Record<string, tf.Tensor> = {
      'lstm/w_gates': g[0]!,
      'lstm/b_gates': g[1]!,
      'output_linear/w': g[4]!,
      'output_linear/b': g[5]!,
    };
    const sizes = INTERFACE_BLOCKS.map((b) => widths[b]);
    const wParts = tf.split(g[2]!, sizes, 1);
    const bParts = tf.split(g[3]!, sizes, 0);
    INTERFACE_BLOCKS.forEach((b, i) => {
      byName[`${b}/w`] = wParts[i]!;
      byName[`${b}/b`] = bParts[i]!;
    });
    return byName;
  });
  const single = tf.tidy(() => {
    const p = doc.single_step.prev_state;
    const prev = Object.fromEntries(
      Object.entries(STATE_KEYS).map(([g, ours]) => [ours, tf.tensor(p[g] as number[], undefined, 'float32')]),
    ) as unknown as DncState;
    const step = dncStep(c, weights, k, tf.tensor2d(doc.single_step.input, undefined, 'float32'), prev);
    return { logits: step.logits, state: { ...step.state } };
  });
  const read = async (t: tf.Tensor) => (await t.array()) as Nested;
  const entries = async (r: Record<string, tf.Tensor>) =>
    Object.fromEntries(await Promise.all(Object.entries(r).map(async ([n, t]) => [n, await read(t)] as const)));
  try {
    return {
      logits: (await traced.logits.array()) as number[][][],
      loss: (await traced.loss.data())[0]!,
      grads: await entries(grads),
      singleStep: {
        logits: (await single.logits.array()) as number[][],
        state: (await entries(Object.fromEntries(Object.entries(STATE_KEYS).map(([g, ours]) => [g, single.state[ours]])))) as Record<
          GoldenStateKey,
          Nested
        >,
      },
      trace: await entries(traced.trace),
    };
  } finally {
    tf.dispose([weights, obs, targets, mask, traced, grads, single, k] as never);
  }
}
