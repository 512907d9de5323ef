/** The controller's LSTM cell on WASM and cpu in one kernel each way (see fused.ts). */
import * as tf from '@tensorflow/tfjs';
import { hostBlock, type HostCompute } from './fused';

const LSTM_FORWARD = 'L4LabDncLstm';
const LSTM_BACKWARD = 'L4LabDncLstmGrad';
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The controller's cell's values per row b and unit u (index b·H + u), in float64. */
interface Cells {
  readonly si: Float64Array;
  readonly tj: Float64Array;
  readonly sf: Float64Array;
  readonly so: Float64Array;
  readonly cell: Float64Array;
  readonly th: Float64Array;
}

/** The gate blocks i, j, f, o of z = pre + bias, c' = σ(f + fb)·c + σ(i)·tanh(j), and tanh(c'). */
function lstmCells(pre: ArrayLike<number>, bias: ArrayLike<number>, c: ArrayLike<number>, B: number, H: number, forgetBias: number): Cells {
  const n = B * H;
  const v = {
    si: new Float64Array(n),
    tj: new Float64Array(n),
    sf: new Float64Array(n),
    so: new Float64Array(n),
    cell: new Float64Array(n),
    th: new Float64Array(n),
  };
  for (let b = 0; b < B; b++)
    for (let u = 0; u < H; u++) {
      const z = b * 4 * H + u;
      const at = b * H + u;
      const si = (v.si[at] = sigmoid(pre[z]! + bias[u]!));
      const tj = (v.tj[at] = Math.tanh(pre[z + H]! + bias[H + u]!));
      const sf = (v.sf[at] = sigmoid(pre[z + 2 * H]! + bias[2 * H + u]! + forgetBias));
      v.so[at] = sigmoid(pre[z + 3 * H]! + bias[3 * H + u]!);
      const cell = (v.cell[at] = sf * c[at]! + si * tj);
      v.th[at] = Math.tanh(cell);
    }
  return v;
}

/** Whether x is inside [−v, v] (clipByValue's gradient passes there, bounds included); always with no clip. */
const inside = (x: number, v: number) => v <= 0 || (x >= -v && x <= v);
const clipTo = (x: number, v: number) => (v > 0 ? Math.min(v, Math.max(-v, x)) : x);

/** [h, c'] side by side, [B, 2H]: one output (a custom gradient has one). */
/** The activations `lstmForward` keeps beside h and c' for the backward (per row, H each). */
const LSTM_KEPT = ['si', 'tj', 'sf', 'so', 'cell', 'th'] as const;

/** [h, c', then the activations the backward reads (LSTM_KEPT)] side by side, [B, 8H]: one output. */
const lstmForward: HostCompute = ({ pre, bias, c }, { c: cs }, { forgetBias, clipValue }) => {
  const [B, H] = cs as [number, number];
  const v = lstmCells(pre!, bias!, c!, B, H, forgetBias!);
  const out = new Float64Array(B * 8 * H);
  for (let b = 0; b < B; b++)
    for (let u = 0; u < H; u++) {
      const at = b * H + u;
      const o = b * 8 * H + u;
      out[o] = clipTo(v.th[at]! * v.so[at]!, clipValue!);
      out[o + H] = clipTo(v.cell[at]!, clipValue!);
      LSTM_KEPT.forEach((k, q) => (out[o + (2 + q) * H] = v[k][at]!));
    }
  return [{ shape: [B, 8 * H], values: out }];
};

/** The gradients for the gates' pre-activations, the bias and the previous cell, given d[h, c', …] [B, 8H]. */
const lstmBackward: HostCompute = ({ c, out, dy }, { c: cs }, { clipValue }) => {
  const [B, H] = cs as [number, number];
  const dPre = new Float64Array(B * 4 * H);
  const dBias = new Float64Array(4 * H);
  const dc = new Float64Array(B * H);
  const g = dy!;
  const a = out!;
  for (let b = 0; b < B; b++)
    for (let u = 0; u < H; u++) {
      const at = b * H + u;
      const o = b * 8 * H + u;
      const [si, tj, sf, so, cell, th] = [a[o + 2 * H]!, a[o + 3 * H]!, a[o + 4 * H]!, a[o + 5 * H]!, a[o + 6 * H]!, a[o + 7 * H]!];
      const dh = inside(th * so, clipValue!) ? g[o]! : 0;
      const dCell = (inside(cell, clipValue!) ? g[o + H]! : 0) + dh * so * (1 - th * th);
      const z = b * 4 * H + u;
      dPre[z] = dCell * tj * si * (1 - si);
      dPre[z + H] = dCell * si * (1 - tj * tj);
      dPre[z + 2 * H] = dCell * c![at]! * sf * (1 - sf);
      dPre[z + 3 * H] = dh * th * so * (1 - so);
      for (let q = 0; q < 4; q++) dBias[q * H + u]! += dPre[z + q * H]!;
      dc[at] = dCell * sf;
    }
  return [
    { shape: [B, 4 * H], values: dPre },
    { shape: [4 * H], values: dBias },
    { shape: [B, H], values: dc },
  ];
};

/** One custom gradient per setting of the cell (its attributes are part of it). */
const blocks = new Map<string, ReturnType<typeof hostBlock>>();

/**
 * The controller's LSTM cell after its product (step.ts, step 1) in one kernel each way (check `fusedDncHere`): the
 * gates' pre-activations [B, 4H] (blocks i, j, f, o) before the bias [4H], the previous cell [B, H]; returns h and
 * the next cell, both clipped to ±clipValue (none when 0).
 */
export function fusedLstmCell(
  pre: tf.Tensor2D,
  bias: tf.Tensor,
  c: tf.Tensor2D,
  forgetBias: number,
  clipValue: number,
): [tf.Tensor2D, tf.Tensor2D] {
  const H = c.shape[1];
  const key = `${forgetBias} ${clipValue}`;
  let block = blocks.get(key);
  if (!block) {
    block = hostBlock(['pre', 'bias', 'c'], [LSTM_FORWARD, lstmForward], [LSTM_BACKWARD, lstmBackward], true, { forgetBias, clipValue });
    blocks.set(key, block);
  }
  const [h, next] = tf.split(block(pre, bias, c), [H, H, 6 * H], 1);
  return [h as tf.Tensor2D, next as tf.Tensor2D];
}
