import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../lib/rng';

/**
 * The Differentiable Neural Computer core (Graves et al., Nature 2016) with the semantics of deepmind/dnc
 * (dnc.py, access.py, addressing.py at commit a4debae, which the L4 paper ran): softplus strengths, the ε
 * terms, read modes ordered [backward × Wn, forward × Wn, content], one LSTM layer whose output, state and
 * logits are clipped. `../shared/golden-dnc/README.md` (copied to `__fixtures__/golden-dnc/`) is the
 * specification; the step below follows its numbered list.
 *
 * Two gradient conventions of TensorFlow's gradient of deepmind's graph are kept: the previous write weights
 * are a constant in the usage update (their `tf.stop_gradient`), and the allocation order is a constant
 * (integer `top_k` indices). tfjs has neither stopGradient nor gradients for TopK, Cumprod or comparisons,
 * and `gather`'s gradient fails on wasm, so the allocation is computed without a sort: a pairwise
 * "slot k comes before slot j" mask (float32 keys, ties to the lower index, as `tf.nn.top_k`) made inside a
 * `customGrad` with a zero gradient, and the exclusive product over the slots before each slot. Every op
 * here has a gradient on cpu, wasm, WebGL and WebGPU.
 */

/** addressing._EPSILON. */
export const DNC_EPSILON = 1e-6;

export interface DncConfig {
  /** Observation width X. */
  readonly inputSize: number;
  /** Output width O. */
  readonly outputSize: number;
  /** LSTM units H. */
  readonly hidden: number;
  /** Memory slots N. */
  readonly memorySize: number;
  /** Word size W. */
  readonly wordSize: number;
  /** Read heads R. */
  readonly readHeads: number;
  /** Write heads Wn. */
  readonly writeHeads: number;
  /** h, c and the logits are clipped to ±clipValue (0: no clipping, as deepmind's clip_value ≤ 0). */
  readonly clipValue: number;
  /** Added to the forget gate's pre-activation at run time (not stored in the bias). */
  readonly forgetBias: number;
}

/** deepmind/dnc's train.py sizes on its default repeat-copy (4 bits): 43,980 parameters. */
export const TRAIN_PY_DNC: DncConfig = {
  inputSize: 6,
  outputSize: 5,
  hidden: 64,
  memorySize: 16,
  wordSize: 16,
  readHeads: 4,
  writeHeads: 1,
  clipValue: 20,
  forgetBias: 1,
};

/** The interface layers in deepmind's creation order (access.py `_read_inputs`), with their widths. */
export const INTERFACE_BLOCKS = [
  'write_vectors',
  'erase_vectors',
  'free_gate',
  'allocation_gate',
  'write_gate',
  'read_mode',
  'write_keys',
  'write_strengths',
  'read_keys',
  'read_strengths',
] as const;
export type InterfaceBlock = (typeof INTERFACE_BLOCKS)[number];

export function interfaceWidths(c: DncConfig): Record<InterfaceBlock, number> {
  const { readHeads: R, writeHeads: Wn, wordSize: W } = c;
  return {
    write_vectors: Wn * W,
    erase_vectors: Wn * W,
    free_gate: R,
    allocation_gate: Wn,
    write_gate: Wn,
    read_mode: R * (1 + 2 * Wn),
    write_keys: Wn * W,
    write_strengths: Wn,
    read_keys: R * W,
    read_strengths: R,
  };
}

/**
 * The weights. The ten interface layers all read h, so they are one [H, Σ widths] matrix with their columns
 * concatenated in `INTERFACE_BLOCKS` order (one matmul instead of ten; the same function).
 */
export interface DncWeights<T extends tf.Tensor = tf.Tensor> {
  /** [X + R·W + H, 4H]: rows observation, previous read words, previous h; column blocks i, j, f, o. */
  readonly gatesW: T;
  readonly gatesB: T;
  /** [H, Σ interface widths]. */
  readonly interfaceW: T;
  readonly interfaceB: T;
  /** [H + R·W, O]: rows h, then the read words flattened. */
  readonly outputW: T;
  readonly outputB: T;
}

export const DNC_WEIGHT_NAMES = ['gatesW', 'gatesB', 'interfaceW', 'interfaceB', 'outputW', 'outputB'] as const;

/** The recurrent state, batch-major. */
export interface DncState {
  readonly h: tf.Tensor2D; // [B, H]
  readonly c: tf.Tensor2D; // [B, H]
  readonly readWords: tf.Tensor3D; // [B, R, W]
  readonly memory: tf.Tensor3D; // [B, N, W]
  readonly readWeights: tf.Tensor3D; // [B, R, N]
  readonly writeWeights: tf.Tensor3D; // [B, Wn, N]
  readonly link: tf.Tensor4D; // [B, Wn, N, N]
  readonly precedence: tf.Tensor3D; // [B, Wn, N]
  readonly usage: tf.Tensor2D; // [B, N]
}

/** The interface of one step, parsed (access.py `_read_inputs`), plus the weightings computed on the way. */
export interface DncStepParts {
  readonly interface: Readonly<Record<InterfaceBlock, tf.Tensor>>;
  readonly allocationWeights: tf.Tensor3D; // [B, Wn, N]
  readonly writeContentWeights: tf.Tensor3D; // [B, Wn, N]
  readonly readContentWeights: tf.Tensor3D; // [B, R, N]
  readonly forwardWeights: tf.Tensor4D; // [B, R, Wn, N]
  readonly backwardWeights: tf.Tensor4D; // [B, R, Wn, N]
}

export function checkDncConfig(c: DncConfig): void {
  for (const k of ['inputSize', 'outputSize', 'hidden', 'memorySize', 'wordSize', 'readHeads', 'writeHeads'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`DNC: ${k} must be a positive integer, got ${String(c[k])}.`);
  }
  if (!Number.isFinite(c.clipValue) || c.clipValue < 0)
    throw new Error(`DNC: clipValue must be ≥ 0 (0 = off), got ${String(c.clipValue)}.`);
  if (!Number.isFinite(c.forgetBias)) throw new Error(`DNC: forgetBias must be a finite number, got ${String(c.forgetBias)}.`);
}

export const dncWeightShapes = (c: DncConfig): Record<(typeof DNC_WEIGHT_NAMES)[number], number[]> => {
  const I = Object.values(interfaceWidths(c)).reduce((a, b) => a + b, 0);
  const read = c.readHeads * c.wordSize;
  return {
    gatesW: [c.inputSize + read + c.hidden, 4 * c.hidden],
    gatesB: [4 * c.hidden],
    interfaceW: [c.hidden, I],
    interfaceB: [I],
    outputW: [c.hidden + read, c.outputSize],
    outputB: [c.outputSize],
  };
};

/** The number of trainable parameters (43,980 with train.py's sizes on repeat-copy). */
export const dncParameterCount = (c: DncConfig): number =>
  Object.values(dncWeightShapes(c)).reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);

/** A draw from N(0, σ²) re-drawn beyond 2σ (TensorFlow's truncated_normal_initializer). */
function truncatedNormal(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    out[i] = std * z;
  }
  return out;
}

/**
 * Sonnet 1's default initialisation (dnc-spec.md §1.13): every Linear's w truncated normal with σ = 1/√fan_in
 * and a zero bias; the LSTM's w_gates and b_gates both truncated normal with σ = 1/√(input + hidden).
 */
export function initDncWeights(c: DncConfig, rng: Rng): DncWeights<tf.Variable> {
  checkDncConfig(c);
  const s = dncWeightShapes(c);
  const lstmStd = 1 / Math.sqrt(s.gatesW[0]!);
  const draw = (shape: number[], std: number) =>
    truncatedNormal(
      rng,
      shape.reduce((a, b) => a * b, 1),
      std,
    );
  // Drawn in one fixed order so a seed gives the same weights everywhere.
  const values = {
    gatesW: draw(s.gatesW, lstmStd),
    gatesB: draw(s.gatesB, lstmStd),
    interfaceW: draw(s.interfaceW, 1 / Math.sqrt(c.hidden)),
    interfaceB: new Float32Array(s.interfaceB[0]!),
    outputW: draw(s.outputW, 1 / Math.sqrt(s.outputW[0]!)),
    outputB: new Float32Array(s.outputB[0]!),
  };
  return tf.tidy(() => {
    const v = (k: (typeof DNC_WEIGHT_NAMES)[number]) => tf.variable(tf.tensor(values[k], s[k]), true, undefined, 'float32');
    return {
      gatesW: v('gatesW'),
      gatesB: v('gatesB'),
      interfaceW: v('interfaceW'),
      interfaceB: v('interfaceB'),
      outputW: v('outputW'),
      outputB: v('outputB'),
    };
  });
}

/** The all-zero initial state (deepmind's is zeros and not trainable). */
export function zeroDncState(c: DncConfig, batch: number): DncState {
  const { hidden: H, memorySize: N, wordSize: W, readHeads: R, writeHeads: Wn } = c;
  return {
    h: tf.zeros([batch, H]),
    c: tf.zeros([batch, H]),
    readWords: tf.zeros([batch, R, W]),
    memory: tf.zeros([batch, N, W]),
    readWeights: tf.zeros([batch, R, N]),
    writeWeights: tf.zeros([batch, Wn, N]),
    link: tf.zeros([batch, Wn, N, N]),
    precedence: tf.zeros([batch, Wn, N]),
    usage: tf.zeros([batch, N]),
  };
}

/** What tf.customGrad takes (tfjs does not export the type). */
type CustomGradient = Parameters<typeof tf.customGrad>[0];

/** The identity forward, a zero gradient backward (tf.stop_gradient); its forward ops are not taped. */
const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as CustomGradient);

/** Constants a DNC's steps share: made once per model, disposed with it. */
export interface DncConstants {
  /** [N, N]: 1 where k < j (row j, column k): the tie rule of `top_k`, lower index first. */
  readonly lowerIndex: tf.Tensor2D;
  /** [N, N]: 1 − I, which sets the link's diagonal to 0 (tf.matrix_set_diag). */
  readonly offDiagonal: tf.Tensor2D;
}

export function dncConstants(c: DncConfig): DncConstants {
  const N = c.memorySize;
  return tf.tidy(() => {
    const idx = tf.range(0, N, 1, 'int32');
    return {
      lowerIndex: tf.cast(tf.less(tf.reshape(idx, [1, N]), tf.reshape(idx, [N, 1])), 'float32') as tf.Tensor2D,
      offDiagonal: tf.sub(1, tf.eye(N)) as tf.Tensor2D,
    };
  });
}

/**
 * [B, N, N]: 1 iff slot k is allocated before slot j (row j, column k): larger nonusage first, the lower index
 * on exact (float32) ties. The order is a constant for the gradient.
 */
const precedesMask = tf.customGrad(((key: tf.Tensor, lowerIndex: tf.Tensor) => ({
  value: tf.tidy(() => {
    // d[b,j,k] = key_k − key_j, which is 0 exactly when the float32 keys are equal. Arithmetic rather than
    // broadcast comparisons, which cost ~15× more on wasm.
    const d = tf.sub(tf.expandDims(key, 1), tf.expandDims(key, 2));
    const greater = tf.step(d);
    const tie = tf.sub(tf.sub(1, greater), tf.step(tf.neg(d)));
    return tf.add(greater, tf.mul(tie, lowerIndex));
  }),
  gradFunc: () => [tf.zerosLike(key), tf.zerosLike(lowerIndex)],
})) as CustomGradient);

/**
 * x @ w for 2-D x and w, whose gradient transposes explicitly: tfjs-wasm's matMul with a transpose flag is
 * ~10× slower than a transpose and a plain matMul at these sizes (measured: 1.39 ms against 0.12 ms for the
 * LSTM's weight gradient), and matMul's own gradient uses the flags.
 */
const linear = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: (ts: tf.Tensor[]) => void) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy)];
    },
  };
}) as unknown as CustomGradient) as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor2D;

/**
 * Allocation weights for a usage u [B, N] (addressing.py `Freeness._allocation`): û = ε + (1 − ε)u, nonusage
 * = 1 − û; in order of descending nonusage, a = nonusage · (exclusive product of û over the slots before).
 */
function allocation(u: tf.Tensor2D, k: DncConstants): tf.Tensor2D {
  const nonusage = tf.sub(1, tf.add(DNC_EPSILON, tf.mul(1 - DNC_EPSILON, u))) as tf.Tensor2D;
  const before = precedesMask(nonusage, k.lowerIndex) as tf.Tensor3D;
  // The exclusive product of sorted_usage = 1 − sorted_nonusage, as exp(Σ_k before[j,k]·log(1 − nonusage_k)):
  // 1 − nonusage ≥ ε, so the log is finite. (tf.prod's gradient is wrong on WebGPU in tfjs 4.22: 11 % off here.)
  const logUsage = tf.expandDims(tf.log(tf.sub(1, nonusage)), 2); // [B, N, 1]
  const prior = tf.exp(tf.squeeze(tf.matMul(before, logUsage), [2]));
  return tf.mul(nonusage, prior) as tf.Tensor2D;
}

/**
 * Content weights C(M, k, s) [B, K, N] (addressing.py `CosineWeights`): softmax over slots of
 * softplus(s)·(k·M_n)/(√(|k|²+ε)·√(|M_n|²+ε) + ε).
 */
function contentWeights(memory: tf.Tensor3D, keys: tf.Tensor3D, strengths: tf.Tensor2D): tf.Tensor3D {
  const dot = tf.matMul(keys, memory, false, true); // [B, K, N]
  const keyNorm = tf.sqrt(tf.add(tf.sum(tf.square(keys), 2, true), DNC_EPSILON)); // [B, K, 1]
  const memNorm = tf.expandDims(tf.sqrt(tf.add(tf.sum(tf.square(memory), 2), DNC_EPSILON)), 1); // [B, 1, N]
  const similarity = tf.div(dot, tf.add(tf.mul(keyNorm, memNorm), DNC_EPSILON));
  return tf.softmax(tf.mul(similarity, tf.expandDims(tf.softplus(strengths), 2))) as tf.Tensor3D;
}

/**
 * Π over a short `axis` (the heads) as a chain of multiplies: tf.prod's gradient is wrong on WebGPU (tfjs 4.22),
 * and with one head there is nothing to multiply.
 */
const prodAxis = (x: tf.Tensor, axis: number): tf.Tensor => {
  const n = x.shape[axis]!;
  if (n === 1) return tf.squeeze(x, [axis]);
  // Slices, not unstack: Unpack's gradient fails when one of its outputs gets no gradient.
  const part = (i: number) => {
    const begin = x.shape.map((_, d) => (d === axis ? i : 0));
    const size = x.shape.map((s, d) => (d === axis ? 1 : s));
    return tf.squeeze(tf.slice(x, begin, size), [axis]);
  };
  let p = part(0);
  for (let i = 1; i < n; i++) p = tf.mul(p, part(i));
  return p;
};

const clip = (x: tf.Tensor, v: number) => (v > 0 ? tf.clipByValue(x, -v, v) : x);

/**
 * One core step from `prev` on the observation x [B, X]: the logits [B, O] (clipped), the next state, and the
 * interface and weightings computed on the way. Call it inside a tidy (or a gradient).
 */
export function dncStep(
  c: DncConfig,
  w: DncWeights,
  k: DncConstants,
  x: tf.Tensor2D,
  prev: DncState,
): { logits: tf.Tensor2D; state: DncState; parts: DncStepParts } {
  const B = x.shape[0];
  const { memorySize: N, wordSize: W, readHeads: R, writeHeads: Wn } = c;
  // 1. Controller: one LSTM layer on [x, previous read words, h]; gate blocks i, j, f, o; clip h and c.
  const gates = tf.add(linear(tf.concat([x, tf.reshape(prev.readWords, [B, R * W]), prev.h], 1), w.gatesW), w.gatesB);
  const [gi, gj, gf, go] = tf.split(gates, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const cell = tf.add(tf.mul(tf.sigmoid(tf.add(gf, c.forgetBias)), prev.c), tf.mul(tf.sigmoid(gi), tf.tanh(gj)));
  const h = clip(tf.mul(tf.tanh(cell), tf.sigmoid(go)), c.clipValue) as tf.Tensor2D;
  const cNext = clip(cell, c.clipValue) as tf.Tensor2D;

  // 2. Interface from the clipped h.
  const widths = interfaceWidths(c);
  const blocks = tf.split(
    tf.add(linear(h, w.interfaceW), w.interfaceB),
    INTERFACE_BLOCKS.map((b) => widths[b]),
    1,
  );
  const raw = Object.fromEntries(INTERFACE_BLOCKS.map((b, i) => [b, blocks[i]!])) as Record<InterfaceBlock, tf.Tensor2D>;
  const iface: Record<InterfaceBlock, tf.Tensor> = {
    write_vectors: tf.reshape(raw.write_vectors, [B, Wn, W]),
    erase_vectors: tf.reshape(tf.sigmoid(raw.erase_vectors), [B, Wn, W]),
    free_gate: tf.sigmoid(raw.free_gate),
    allocation_gate: tf.sigmoid(raw.allocation_gate),
    write_gate: tf.sigmoid(raw.write_gate),
    read_mode: tf.softmax(tf.reshape(raw.read_mode, [B, R, 1 + 2 * Wn])),
    write_keys: tf.reshape(raw.write_keys, [B, Wn, W]),
    write_strengths: raw.write_strengths,
    read_keys: tf.reshape(raw.read_keys, [B, R, W]),
    read_strengths: raw.read_strengths,
  };

  // 3. Usage: the previous write weights are a constant here (deepmind's stop_gradient).
  const prevWrite = stopGradient(prev.writeWeights) as tf.Tensor3D;
  const written = tf.sub(1, prodAxis(tf.sub(1, prevWrite), 1)); // [B, N]
  const afterWrite = tf.add(prev.usage, tf.mul(tf.sub(1, prev.usage), written));
  const freed = prodAxis(tf.sub(1, tf.mul(tf.expandDims(iface.free_gate, 2), prev.readWeights)), 1); // [B, N]
  const usage = tf.mul(afterWrite, freed) as tf.Tensor2D;

  // 4.–6. Write weights: content on M_{t−1}; allocation per write head on the usage advanced by earlier heads.
  const writeContent = contentWeights(prev.memory, iface.write_keys as tf.Tensor3D, iface.write_strengths as tf.Tensor2D);
  const allocGate = iface.allocation_gate as tf.Tensor2D; // [B, Wn]
  const writeGate = iface.write_gate as tf.Tensor2D;
  const allocs: tf.Tensor2D[] = [];
  let u = usage;
  for (let i = 0; i < Wn; i++) {
    if (i > 0) {
      const g = tf.mul(tf.slice(allocGate, [0, i - 1], [B, 1]), tf.slice(writeGate, [0, i - 1], [B, 1]));
      u = tf.add(u, tf.mul(tf.mul(tf.sub(1, u), g), allocs[i - 1]!)) as tf.Tensor2D;
    }
    allocs.push(allocation(u, k));
  }
  const allocationWeights = (Wn === 1 ? tf.expandDims(allocs[0]!, 1) : tf.stack(allocs, 1)) as tf.Tensor3D;
  const ga = tf.expandDims(allocGate, 2);
  const writeWeights = tf.mul(
    tf.expandDims(writeGate, 2),
    tf.add(tf.mul(ga, allocationWeights), tf.mul(tf.sub(1, ga), writeContent)),
  ) as tf.Tensor3D;

  // 7. Erase, then add.
  const erase = tf.mul(tf.expandDims(writeWeights, 3), tf.expandDims(iface.erase_vectors, 2)); // [B, Wn, N, W]
  const kept = prodAxis(tf.sub(1, erase), 1); // [B, N, W]
  const memory = tf.add(tf.mul(prev.memory, kept), tf.matMul(writeWeights, iface.write_vectors as tf.Tensor3D, true, false)) as tf.Tensor3D;

  // 8. Temporal link (diagonal 0) from p_{t−1}, then precedence.
  const wi = tf.expandDims(writeWeights, 3); // [B, Wn, N, 1]
  const wj = tf.expandDims(writeWeights, 2); // [B, Wn, 1, N]
  const link = tf.mul(
    tf.add(tf.mul(tf.sub(tf.sub(1, wi), wj), prev.link), tf.mul(wi, tf.expandDims(prev.precedence, 2))),
    k.offDiagonal,
  ) as tf.Tensor4D;
  const precedence = tf.add(tf.mul(tf.sub(1, tf.sum(writeWeights, 2, true)), prev.precedence), writeWeights) as tf.Tensor3D;

  // 9.–10. Read weights: content on M_t; forward/backward from L_t and the previous read weights.
  const readContent = contentWeights(memory, iface.read_keys as tf.Tensor3D, iface.read_strengths as tf.Tensor2D);
  let forward: tf.Tensor4D;
  let backward: tf.Tensor4D;
  if (Wn === 1) {
    const L = tf.reshape(link, [B, N, N]);
    forward = tf.expandDims(tf.matMul(prev.readWeights, L, false, true), 2) as tf.Tensor4D; // w^r @ Lᵀ
    backward = tf.expandDims(tf.matMul(prev.readWeights, L), 2) as tf.Tensor4D; // w^r @ L
  } else {
    const wr = tf.reshape(tf.tile(tf.expandDims(prev.readWeights, 1), [1, Wn, 1, 1]), [B * Wn, R, N]);
    const L = tf.reshape(link, [B * Wn, N, N]);
    const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, Wn, R, N]), [0, 2, 1, 3]) as tf.Tensor4D;
    forward = heads(tf.matMul(wr, L, false, true));
    backward = heads(tf.matMul(wr, L));
  }
  const modes = iface.read_mode; // [B, R, 1 + 2Wn]: backward × Wn, forward × Wn, content
  const backwardMode = tf.slice(modes, [0, 0, 0], [B, R, Wn]);
  const forwardMode = tf.slice(modes, [0, 0, Wn], [B, R, Wn]);
  const contentMode = tf.slice(modes, [0, 0, 2 * Wn], [B, R, 1]);
  const readWeights = tf.addN([
    tf.mul(contentMode, readContent),
    tf.sum(tf.mul(tf.expandDims(forwardMode, 3), forward), 2),
    tf.sum(tf.mul(tf.expandDims(backwardMode, 3), backward), 2),
  ]) as tf.Tensor3D;

  // 11.–12. Read words, then the output layer on [h, read words], clipped.
  const readWords = tf.matMul(readWeights, memory) as tf.Tensor3D;
  const logits = clip(
    tf.add(linear(tf.concat([h, tf.reshape(readWords, [B, R * W])], 1), w.outputW), w.outputB),
    c.clipValue,
  ) as tf.Tensor2D;
  return {
    logits,
    state: { h, c: cNext, readWords, memory, readWeights, writeWeights, link, precedence, usage },
    parts: {
      interface: iface,
      allocationWeights,
      writeContentWeights: writeContent,
      readContentWeights: readContent,
      forwardWeights: forward,
      backwardWeights: backward,
    },
  };
}

/**
 * Unrolls the core from the zero state over observations [T, B, X]; returns the logits [T, B, O]. One graph
 * per batch, nothing read back. `onStep` sees each step's state and parts (the golden replay traces them).
 */
export function dncUnroll(
  c: DncConfig,
  w: DncWeights,
  k: DncConstants,
  observations: tf.Tensor3D,
  onStep?: (t: number, state: DncState, parts: DncStepParts) => void,
): tf.Tensor3D {
  const B = observations.shape[1];
  let state = zeroDncState(c, B);
  const logits: tf.Tensor2D[] = [];
  tf.unstack(observations).forEach((x, t) => {
    const step = dncStep(c, w, k, x as tf.Tensor2D, state);
    state = step.state;
    logits.push(step.logits);
    onStep?.(t, state, step.parts);
  });
  return tf.stack(logits) as tf.Tensor3D;
}

/**
 * deepmind's `masked_sigmoid_cross_entropy` (time_average off, nats): the stable sigmoid cross-entropy
 * max(z, 0) − z·y + log(1 + e^−|z|) summed over bits, masked, summed over time and batch, divided by B.
 */
export function maskedSigmoidXent(logits: tf.Tensor3D, targets: tf.Tensor3D, mask: tf.Tensor2D): tf.Scalar {
  const z = logits;
  const xent = tf.add(tf.sub(tf.relu(z), tf.mul(z, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
  return tf.div(tf.sum(tf.mul(tf.sum(xent, 2), mask)), logits.shape[1]) as tf.Scalar;
}

type Nested = number | Nested[];

/** A golden file of ../shared/golden-dnc (its README gives every field). */
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
