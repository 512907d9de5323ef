/** The controller's LSTM cell on WASM and cpu in one kernel each way (see fused.ts). */
import * as tf from '@tensorflow/tfjs';
import { hostBlock } from './fused';
import { wasmCompute } from './wasm/blocks';

const LSTM_FORWARD = 'L4LabDncLstm';
const LSTM_BACKWARD = 'L4LabDncLstmGrad';
/**
 * [h, c', then σ(i), tanh(j), σ(f), σ(o), c', tanh(c') for the backward] side by side, [B, 8H]: one output (a custom
 * gradient has one), from the gates' pre-activations, the bias and the previous cell (wasm/lstm.as.ts).
 */
const lstmForward = wasmCompute('lstmForward', ['pre', 'bias', 'c'], ({ c }, { forgetBias, clipValue }) => {
  const [B, H] = c as [number, number];
  return { outputs: [[B, 8 * H]], args: [B, H, forgetBias!, clipValue!] };
});

/** The gradients for the gates' pre-activations, the bias and the previous cell, given d[h, c', …] [B, 8H]. */
const lstmBackward = wasmCompute('lstmBackward', ['c', 'out', 'dy'], ({ c }, { clipValue }) => {
  const [B, H] = c as [number, number];
  return { outputs: [[B, 4 * H], [4 * H], [B, H]], args: [B, H, clipValue!] };
});

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
