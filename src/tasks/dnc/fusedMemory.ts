/** Steps 7–11 for one write head on WASM and cpu in one kernel each way per block (see fused.ts). */
import * as tf from '@tensorflow/tfjs';
import { hostBlock, type HostCompute } from './fused';

const MEMORY_FORWARD = 'L4LabDncMemoryLink';
const MEMORY_BACKWARD = 'L4LabDncMemoryLinkGrad';

/** Memory [B, N, W], link [B, N, N] and precedence [B, N] of one write head, each row flat after the other's. */
const memoryForward: HostCompute = ({ memory, ww, erase, add, link, precedence }, { memory: ms }) => {
  const [B, N, W] = ms as [number, number, number];
  const size = N * W + N * N + N;
  const out = new Float64Array(B * size);
  for (let b = 0; b < B; b++) {
    const o = b * size;
    let sum = 0;
    for (let n = 0; n < N; n++) {
      const w = ww![b * N + n]!;
      sum += w;
      for (let x = 0; x < W; x++) {
        const m = (b * N + n) * W + x;
        out[o + n * W + x] = memory![m]! * (1 - w * erase![b * W + x]!) + w * add![b * W + x]!;
      }
      for (let j = 0; j < N; j++)
        out[o + N * W + n * N + j] = n === j ? 0 : (1 - w - ww![b * N + j]!) * link![(b * N + n) * N + j]! + w * precedence![b * N + j]!;
    }
    for (let n = 0; n < N; n++) out[o + N * W + N * N + n] = (1 - sum) * precedence![b * N + n]! + ww![b * N + n]!;
  }
  return [{ shape: [B, size], values: out }];
};

/** The gradients for the previous memory, the write weights, erase and add vectors, previous link and precedence. */
const memoryBackward: HostCompute = ({ memory, ww, erase, add, link, precedence, dy }, { memory: ms }) => {
  const [B, N, W] = ms as [number, number, number];
  const size = N * W + N * N + N;
  const [dMemory, dWw, dErase, dAdd, dLink, dPrec] = [B * N * W, B * N, B * W, B * W, B * N * N, B * N].map(
    (n) => new Float64Array(n),
  ) as Float64Array[];
  for (let b = 0; b < B; b++) {
    const o = b * size;
    let sum = 0;
    let dSum = 0;
    for (let n = 0; n < N; n++) sum += ww![b * N + n]!;
    for (let n = 0; n < N; n++) {
      const w = ww![b * N + n]!;
      let dw = 0;
      for (let x = 0; x < W; x++) {
        const m = (b * N + n) * W + x;
        const g = dy![o + n * W + x]!;
        const e = erase![b * W + x]!;
        dMemory![m] = g * (1 - w * e);
        dw += g * (add![b * W + x]! - memory![m]! * e);
        dErase![b * W + x]! -= g * memory![m]! * w;
        dAdd![b * W + x]! += g * w;
      }
      for (let j = 0; j < N; j++) {
        if (n === j) continue;
        const g = dy![o + N * W + n * N + j]!;
        const l = link![(b * N + n) * N + j]!;
        dLink![(b * N + n) * N + j] = g * (1 - w - ww![b * N + j]!);
        dw += g * (precedence![b * N + j]! - l);
        dWw![b * N + j]! -= g * l;
        dPrec![b * N + j]! += g * w;
      }
      const gp = dy![o + N * W + N * N + n]!;
      dPrec![b * N + n]! += gp * (1 - sum);
      dSum -= gp * precedence![b * N + n]!;
      dWw![b * N + n]! += dw + gp;
    }
    for (let n = 0; n < N; n++) dWw![b * N + n]! += dSum;
  }
  return [
    { shape: [B, N, W], values: dMemory! },
    { shape: [B, 1, N], values: dWw! },
    { shape: [B, 1, W], values: dErase! },
    { shape: [B, 1, W], values: dAdd! },
    { shape: [B, 1, N, N], values: dLink! },
    { shape: [B, 1, N], values: dPrec! },
  ];
};

const MEMORY_INPUTS = ['memory', 'ww', 'erase', 'add', 'link', 'precedence'] as const;

const memoryLink = hostBlock(MEMORY_INPUTS, [MEMORY_FORWARD, memoryForward], [MEMORY_BACKWARD, memoryBackward]);

/**
 * Steps 7–8 for one write head in one kernel each way (check `fusedDncHere`): erase then add, the temporal link
 * (diagonal 0) and the precedence, from the previous memory [B, N, W], the write weights [B, 1, N], the erase and
 * write vectors [B, 1, W], the previous link [B, 1, N, N] and precedence [B, 1, N].
 */
export function fusedMemoryLink(
  memory: tf.Tensor3D,
  ww: tf.Tensor3D,
  erase: tf.Tensor3D,
  add: tf.Tensor3D,
  link: tf.Tensor4D,
  precedence: tf.Tensor3D,
): { memory: tf.Tensor3D; link: tf.Tensor4D; precedence: tf.Tensor3D } {
  const [B, N, W] = memory.shape;
  const [m, l, p] = tf.split(memoryLink(memory, ww, erase, add, link, precedence), [N * W, N * N, N], 1);
  return {
    memory: tf.reshape(m!, [B, N, W]) as tf.Tensor3D,
    link: tf.reshape(l!, [B, 1, N, N]) as tf.Tensor4D,
    precedence: tf.reshape(p!, [B, 1, N]) as tf.Tensor3D,
  };
}

const READ_FORWARD = 'L4LabDncRead';
const READ_BACKWARD = 'L4LabDncReadGrad';

/**
 * Per row: forward fw_ri = Σ_j r_rj·L_ij and backward bw_rj = Σ_i r_ri·L_ij, the read weights mb·bw + mf·fw + mc·c
 * (modes [backward, forward, content]) and the read words Σ_n rw_rn·M_n, flat: [rw, fw, bw (R·N each), words (R·W)].
 */
const readForward: HostCompute = (x, shapes) => {
  const [read, link, modes, content, memory] = ['read', 'link', 'modes', 'content', 'memory'].map((k) => x[k]!);
  const [B, R, N] = shapes.read as [number, number, number];
  const W = shapes.memory![2]!;
  const size = 3 * R * N + R * W;
  const out = new Float64Array(B * size);
  for (let b = 0; b < B; b++) {
    const o = b * size;
    const lo = b * N * N;
    const mo = b * N * W;
    for (let r = 0; r < R; r++) {
      const ro = (b * R + r) * N;
      const mb = modes![(b * R + r) * 3]!;
      const mf = modes![(b * R + r) * 3 + 1]!;
      const mc = modes![(b * R + r) * 3 + 2]!;
      for (let i = 0; i < N; i++) {
        let fw = 0;
        let bw = 0;
        const li = lo + i * N;
        for (let j = 0; j < N; j++) {
          const rj = read![ro + j]!;
          fw += rj * link![li + j]!;
          bw += rj * link![lo + j * N + i]!;
        }
        out[o + R * N + r * N + i] = fw;
        out[o + 2 * R * N + r * N + i] = bw;
        out[o + r * N + i] = mc * content![ro + i]! + mf * fw + mb * bw;
      }
      for (let w = 0; w < W; w++) {
        let sum = 0;
        for (let n = 0; n < N; n++) sum += out[o + r * N + n]! * memory![mo + n * W + w]!;
        out[o + 3 * R * N + r * W + w] = sum;
      }
    }
  }
  return [{ shape: [B, size], values: out }];
};

/** The gradients for the previous read weights, the link, the modes, the content weights and the memory. */
const readBackward: HostCompute = (x, shapes) => {
  const [read, link, modes, content, memory, out, dy] = ['read', 'link', 'modes', 'content', 'memory', 'out', 'dy'].map((k) => x[k]!);
  const [B, R, N] = shapes.read as [number, number, number];
  const W = shapes.memory![2]!;
  const size = 3 * R * N + R * W;
  const [dRead, dLink, dModes, dContent, dMemory] = [B * R * N, B * N * N, B * R * 3, B * R * N, B * N * W].map(
    (n) => new Float64Array(n),
  ) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const dRw = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    const o = b * size;
    const lo = b * N * N;
    const mo = b * N * W;
    for (let r = 0; r < R; r++) {
      const ro = (b * R + r) * N;
      const qo = (b * R + r) * 3;
      // words = rw·M: the read weights' gradient and the memory's.
      for (let n = 0; n < N; n++) {
        let d = dy![o + r * N + n]!;
        const rw = out![o + r * N + n]!;
        for (let w = 0; w < W; w++) {
          const gw = dy![o + 3 * R * N + r * W + w]!;
          d += gw * memory![mo + n * W + w]!;
          dMemory[mo + n * W + w]! += gw * rw;
        }
        dRw[n] = d;
      }
      const [mb, mf, mc] = [modes![qo]!, modes![qo + 1]!, modes![qo + 2]!];
      for (let i = 0; i < N; i++) {
        const d = dRw[i]!;
        dModes[qo + 2]! += d * content![ro + i]!;
        dModes[qo + 1]! += d * out![o + R * N + r * N + i]!;
        dModes[qo]! += d * out![o + 2 * R * N + r * N + i]!;
        dContent[ro + i] = d * mc;
        // fw_ri = Σ_j r_rj·L_ij and bw_ri = Σ_j r_rj·L_ji, with their own gradients from the trace beside.
        const dFw = d * mf + dy![o + R * N + r * N + i]!;
        const dBw = d * mb + dy![o + 2 * R * N + r * N + i]!;
        const li = lo + i * N;
        for (let j = 0; j < N; j++) {
          const rj = read![ro + j]!;
          dRead[ro + j]! += dFw * link![li + j]! + dBw * link![lo + j * N + i]!;
          dLink[li + j]! += dFw * rj;
          dLink[lo + j * N + i]! += dBw * rj;
        }
      }
    }
  }
  return [
    { shape: [B, R, N], values: dRead },
    { shape: [B, 1, N, N], values: dLink },
    { shape: [B, R, 3], values: dModes },
    { shape: [B, R, N], values: dContent },
    { shape: [B, N, W], values: dMemory },
  ];
};

const readBlock = hostBlock(
  ['read', 'link', 'modes', 'content', 'memory'],
  [READ_FORWARD, readForward],
  [READ_BACKWARD, readBackward],
  true,
);

/**
 * Steps 9–11 for one write head in one kernel each way (check `fusedDncHere`): from the previous read weights
 * [B, R, N], the link [B, 1, N, N], the read modes [B, R, 3] (backward, forward, content), the read content weights
 * [B, R, N] and the memory [B, N, W]: the read weights, the forward and backward weights [B, R, 1, N] and the read
 * words [B, R, W].
 */
export function fusedRead(
  read: tf.Tensor3D,
  link: tf.Tensor4D,
  modes: tf.Tensor3D,
  content: tf.Tensor3D,
  memory: tf.Tensor3D,
): { readWeights: tf.Tensor3D; forward: tf.Tensor4D; backward: tf.Tensor4D; readWords: tf.Tensor3D } {
  const [B, R, N] = read.shape;
  const W = memory.shape[2];
  const [rw, fw, bw, words] = tf.split(readBlock(read, link, modes, content, memory), [R * N, R * N, R * N, R * W], 1);
  return {
    readWeights: tf.reshape(rw!, [B, R, N]) as tf.Tensor3D,
    forward: tf.reshape(fw!, [B, R, 1, N]) as tf.Tensor4D,
    backward: tf.reshape(bw!, [B, R, 1, N]) as tf.Tensor4D,
    readWords: tf.reshape(words!, [B, R, W]) as tf.Tensor3D,
  };
}
