import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../lib/rng';

/** The DNC's configuration, weights, state and initialisation (see index.ts for the whole module). */

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
