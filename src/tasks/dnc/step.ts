/** One DNC step in deepmind/dnc's order (the golden README's numbered list), the unrolled core, and the loss. */
import * as tf from '@tensorflow/tfjs';
import {
  INTERFACE_BLOCKS,
  interfaceWidths,
  zeroDncState,
  type DncConfig,
  type DncState,
  type DncStepParts,
  type DncWeights,
  type InterfaceBlock,
} from './model';
import { fusedDncHere } from './fused';
import { fusedLstmCell } from './fusedLstm';
import { fusedMemoryLink, fusedRead } from './fusedMemory';
import { fusedWriteHead } from './fusedWrite';
import { allocation, clip, contentWeights, linear, prodAxis, stopGradient, type DncConstants } from './ops';

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
  const step = dncCore(c, w, k, x, prev);
  return { logits: outputLayer(c, w, step.output), state: step.state, parts: step.parts };
}

/** 12. The output layer on [h, read words] rows (one step's [B, ·] or every step's [T·B, ·]), clipped. */
function outputLayer(c: DncConfig, w: DncWeights, output: tf.Tensor2D): tf.Tensor2D {
  return clip(tf.add(linear(output, w.outputW), w.outputB), c.clipValue) as tf.Tensor2D;
}

/** Steps 1–11: the next state, and the output layer's input [h, read words] [B, H + R·W]. */
function dncCore(
  c: DncConfig,
  w: DncWeights,
  k: DncConstants,
  x: tf.Tensor2D,
  prev: DncState,
): { output: tf.Tensor2D; state: DncState; parts: DncStepParts } {
  const B = x.shape[0];
  const { memorySize: N, wordSize: W, readHeads: R, writeHeads: Wn } = c;
  // 1. Controller: one LSTM layer on [x, previous read words, h]; gate blocks i, j, f, o; clip h and c.
  const pre = linear(tf.concat([x, tf.reshape(prev.readWords, [B, R * W]), prev.h], 1), w.gatesW);
  const [h, cNext] = lstmCell(c, pre, w.gatesB, prev.c);

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

  // 3.–6. Usage, then the write weights: content on M_{t−1}, allocation per write head.
  const writeContent = contentWeights(prev.memory, iface.write_keys as tf.Tensor3D, iface.write_strengths as tf.Tensor2D);
  const { usage, allocationWeights, writeWeights } = writeWeighting(
    c,
    k,
    prev,
    iface.free_gate as tf.Tensor2D,
    iface.allocation_gate as tf.Tensor2D,
    iface.write_gate as tf.Tensor2D,
    writeContent,
  );

  // 7.–8. Erase, then add; the temporal link and the precedence.
  const { memory, link, precedence } = writeMemory(
    c,
    k,
    prev,
    writeWeights,
    iface.erase_vectors as tf.Tensor3D,
    iface.write_vectors as tf.Tensor3D,
  );
  // 9.–11. Read weights (content on M_t; forward/backward from L_t and the previous read weights), read words.
  const readContent = contentWeights(memory, iface.read_keys as tf.Tensor3D, iface.read_strengths as tf.Tensor2D);
  const { readWeights, forward, backward, readWords } = readMemory(
    c,
    prev.readWeights,
    link,
    iface.read_mode as tf.Tensor3D,
    readContent,
    memory,
  );
  return {
    output: tf.concat([h, tf.reshape(readWords, [B, R * W])], 1) as tf.Tensor2D,
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
 * Steps 7–8: the memory after erasing and adding, the temporal link (diagonal 0) from the previous precedence, and the
 * precedence. With one write head on WASM and cpu one kernel each way (fused.ts).
 */
export function writeMemory(
  c: DncConfig,
  k: DncConstants,
  prev: Pick<DncState, 'memory' | 'link' | 'precedence'>,
  writeWeights: tf.Tensor3D,
  eraseVectors: tf.Tensor3D,
  writeVectors: tf.Tensor3D,
): { memory: tf.Tensor3D; link: tf.Tensor4D; precedence: tf.Tensor3D } {
  if (c.writeHeads === 1 && fusedDncHere())
    return fusedMemoryLink(prev.memory, writeWeights, eraseVectors, writeVectors, prev.link, prev.precedence);
  // 7. Erase, then add.
  const erase = tf.mul(tf.expandDims(writeWeights, 3), tf.expandDims(eraseVectors, 2)); // [B, Wn, N, W]
  const kept = prodAxis(tf.sub(1, erase), 1); // [B, N, W]
  const memory = tf.add(tf.mul(prev.memory, kept), tf.matMul(writeWeights, writeVectors, true, false)) as tf.Tensor3D;
  // 8. Temporal link (diagonal 0) from p_{t−1}, then precedence.
  const wi = tf.expandDims(writeWeights, 3); // [B, Wn, N, 1]
  const wj = tf.expandDims(writeWeights, 2); // [B, Wn, 1, N]
  const link = tf.mul(
    tf.add(tf.mul(tf.sub(tf.sub(1, wi), wj), prev.link), tf.mul(wi, tf.expandDims(prev.precedence, 2))),
    k.offDiagonal,
  ) as tf.Tensor4D;
  const precedence = tf.add(tf.mul(tf.sub(1, tf.sum(writeWeights, 2, true)), prev.precedence), writeWeights) as tf.Tensor3D;
  return { memory, link, precedence };
}

/**
 * Steps 9–11: the read weights from the read modes [B, R, 1 + 2Wn] (backward × Wn, forward × Wn, content), the read
 * content weights and the forward and backward weights [B, R, Wn, N] from the link and the previous read weights;
 * the read words. With one write head on WASM and cpu one kernel each way (fused.ts).
 */
export function readMemory(
  c: DncConfig,
  prevRead: tf.Tensor3D,
  link: tf.Tensor4D,
  readMode: tf.Tensor3D,
  readContent: tf.Tensor3D,
  memory: tf.Tensor3D,
): { readWeights: tf.Tensor3D; forward: tf.Tensor4D; backward: tf.Tensor4D; readWords: tf.Tensor3D } {
  const Wn = c.writeHeads;
  if (Wn === 1 && fusedDncHere()) return fusedRead(prevRead, link, readMode, readContent, memory);
  const [B, R, N] = prevRead.shape;
  let forward: tf.Tensor4D;
  let backward: tf.Tensor4D;
  const [backwardMode, forwardMode, contentMode] = tf.split(readMode, [Wn, Wn, 1], 2) as tf.Tensor3D[];
  let readWeights: tf.Tensor3D;
  if (Wn === 1) {
    // One write head: the sums over heads are the terms themselves (no expand, multiply over a size-1 axis, sum).
    const L = tf.reshape(link, [B, N, N]);
    const fw = tf.matMul(prevRead, L, false, true); // w^r @ Lᵀ
    const bw = tf.matMul(prevRead, L); // w^r @ L
    readWeights = tf.addN([tf.mul(contentMode!, readContent), tf.mul(forwardMode!, fw), tf.mul(backwardMode!, bw)]) as tf.Tensor3D;
    forward = tf.expandDims(fw, 2) as tf.Tensor4D;
    backward = tf.expandDims(bw, 2) as tf.Tensor4D;
  } else {
    const wr = tf.reshape(tf.tile(tf.expandDims(prevRead, 1), [1, Wn, 1, 1]), [B * Wn, R, N]);
    const L = tf.reshape(link, [B * Wn, N, N]);
    const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, Wn, R, N]), [0, 2, 1, 3]) as tf.Tensor4D;
    forward = heads(tf.matMul(wr, L, false, true));
    backward = heads(tf.matMul(wr, L));
    readWeights = tf.addN([
      tf.mul(contentMode!, readContent),
      tf.sum(tf.mul(tf.expandDims(forwardMode!, 3), forward), 2),
      tf.sum(tf.mul(tf.expandDims(backwardMode!, 3), backward), 2),
    ]) as tf.Tensor3D;
  }
  // 11. Read words.
  const readWords = tf.matMul(readWeights, memory) as tf.Tensor3D;
  return { readWeights, forward, backward, readWords };
}

/**
 * Steps 3–6: the usage after the previous step's writes and frees, the allocation weights and the write weights
 * [B, Wn, N], from the previous state, the free gates [B, R], the allocation and write gates [B, Wn] and the write
 * content weights [B, Wn, N]. With one write head on WASM and cpu one kernel each way (fused.ts).
 */
export function writeWeighting(
  c: DncConfig,
  k: DncConstants,
  prev: Pick<DncState, 'writeWeights' | 'usage' | 'readWeights'>,
  freeGate: tf.Tensor2D,
  allocGate: tf.Tensor2D,
  writeGate: tf.Tensor2D,
  writeContent: tf.Tensor3D,
): { usage: tf.Tensor2D; allocationWeights: tf.Tensor3D; writeWeights: tf.Tensor3D } {
  const B = prev.usage.shape[0];
  const Wn = c.writeHeads;
  if (Wn === 1 && fusedDncHere()) {
    const r = fusedWriteHead(prev.writeWeights, prev.usage, freeGate, prev.readWeights, allocGate, writeGate, writeContent);
    return { usage: r.usage, allocationWeights: r.allocation, writeWeights: r.writeWeights };
  }
  // 3. Usage: the previous write weights are a constant here (deepmind's stop_gradient).
  const prevWrite = stopGradient(prev.writeWeights) as tf.Tensor3D;
  const written = tf.sub(1, prodAxis(tf.sub(1, prevWrite), 1)); // [B, N]
  const afterWrite = tf.add(prev.usage, tf.mul(tf.sub(1, prev.usage), written));
  const freed = prodAxis(tf.sub(1, tf.mul(tf.expandDims(freeGate, 2), prev.readWeights)), 1); // [B, N]
  const usage = tf.mul(afterWrite, freed) as tf.Tensor2D;
  // 5.–6. Allocation per write head on the usage advanced by earlier heads; the write weights.
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
  return { usage, allocationWeights, writeWeights };
}

/**
 * The controller's cell after its product: from the gates' pre-activations [B, 4H] (blocks i, j, f, o), their bias and
 * the previous cell, h and the next cell, both clipped. On WASM and cpu one kernel each way (fused.ts).
 */
export function lstmCell(c: DncConfig, pre: tf.Tensor2D, bias: tf.Tensor, prevC: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  if (fusedDncHere()) return fusedLstmCell(pre, bias, prevC, c.forgetBias, c.clipValue);
  const [gi, gj, gf, go] = tf.split(tf.add(pre, bias), 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const cell = tf.add(tf.mul(tf.sigmoid(tf.add(gf, c.forgetBias)), prevC), tf.mul(tf.sigmoid(gi), tf.tanh(gj)));
  return [clip(tf.mul(tf.tanh(cell), tf.sigmoid(go)), c.clipValue) as tf.Tensor2D, clip(cell, c.clipValue) as tf.Tensor2D];
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
  const [T, B] = observations.shape;
  let state = zeroDncState(c, B);
  const outputs: tf.Tensor2D[] = [];
  tf.unstack(observations).forEach((x, t) => {
    const step = dncCore(c, w, k, x as tf.Tensor2D, state);
    state = step.state;
    outputs.push(step.output);
    onStep?.(t, state, step.parts);
  });
  // The output layer depends on no later step: one product over every step's rows (T·B) instead of T products,
  // and one bias add and clip, forward and backward (~140 fewer kernels a training step at train.py's sizes).
  const logits = outputLayer(c, w, tf.concat(outputs, 0) as tf.Tensor2D);
  return tf.reshape(logits, [T, B, logits.shape[1]]) as tf.Tensor3D;
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
