/** Content addressing C(M, k, s) on WASM and cpu in one kernel each way (see fused.ts). */
import * as tf from '@tensorflow/tfjs';
import { hostBlock, type HostCompute } from './fused';
import { DNC_EPSILON } from './model';

const FORWARD = 'L4LabDncContent';
const BACKWARD = 'L4LabDncContentGrad';

/** log(1 + eˣ) without overflow. */
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

interface Shapes {
  readonly B: number;
  readonly N: number;
  readonly K: number;
  readonly W: number;
}

/** The forward quantities of one (batch, key) pair, in float64: norms, similarities and the softmax. */
class Content {
  readonly keyNorm: Float64Array;
  readonly memNorm: Float64Array;
  readonly dot: Float64Array;
  readonly strength: Float64Array;
  readonly weights: Float64Array;

  constructor(
    readonly s: Shapes,
    readonly memory: ArrayLike<number>,
    readonly keys: ArrayLike<number>,
    strengths: ArrayLike<number>,
  ) {
    const { B, N, K, W } = s;
    this.memNorm = new Float64Array(B * N);
    for (let i = 0; i < B * N; i++) {
      let q = 0;
      for (let w = 0; w < W; w++) q += memory[i * W + w]! ** 2;
      this.memNorm[i] = Math.sqrt(q + DNC_EPSILON);
    }
    this.keyNorm = new Float64Array(B * K);
    this.strength = new Float64Array(B * K);
    this.dot = new Float64Array(B * K * N);
    this.weights = new Float64Array(B * K * N);
    for (let b = 0; b < B; b++)
      for (let k = 0; k < K; k++) {
        const bk = b * K + k;
        let q = 0;
        for (let w = 0; w < W; w++) q += keys[bk * W + w]! ** 2;
        const kn = (this.keyNorm[bk] = Math.sqrt(q + DNC_EPSILON));
        const st = (this.strength[bk] = softplus(strengths[bk]!));
        let max = -Infinity;
        for (let n = 0; n < N; n++) {
          let d = 0;
          for (let w = 0; w < W; w++) d += keys[bk * W + w]! * memory[(b * N + n) * W + w]!;
          this.dot[bk * N + n] = d;
          const logit = (st * d) / (kn * this.memNorm[b * N + n]! + DNC_EPSILON);
          this.weights[bk * N + n] = logit;
          if (logit > max) max = logit;
        }
        let sum = 0;
        for (let n = 0; n < N; n++) sum += this.weights[bk * N + n] = Math.exp(this.weights[bk * N + n]! - max);
        for (let n = 0; n < N; n++) this.weights[bk * N + n]! /= sum;
      }
  }
}

/** C(M, k, s) [B, K, N]. */
const contentForward: HostCompute = ({ memory, keys, strengths }, { memory: ms, keys: ks }) => {
  const [B, N, W] = ms as [number, number, number];
  const K = ks![1]!;
  return [{ shape: [B, K, N], values: new Content({ B, N, K, W }, memory!, keys!, strengths!).weights }];
};

/** The gradients of C(M, k, s) for M, k and s, given dy [B, K, N]. */
const contentBackward: HostCompute = ({ memory, keys, strengths, dy }, { memory: ms, keys: ks }) => {
  const [B, N, W] = ms as [number, number, number];
  const K = ks![1]!;
  const [str, g, mem, key] = [strengths!, dy!, memory!, keys!];
  const { weights, keyNorm, strength, memNorm, dot } = new Content({ B, N, K, W }, mem, key, str);
  const dMemory = new Float64Array(B * N * W);
  const dKeys = new Float64Array(B * K * W);
  const dStrengths = new Float64Array(B * K);
  const dMemNorm = new Float64Array(B * N);
  const dDot = new Float64Array(N);
  for (let b = 0; b < B; b++)
    for (let k = 0; k < K; k++) {
      const bk_ = b * K + k;
      const row = bk_ * N;
      // The softmax: dlogit_n = p_n·(dy_n − Σ dy·p).
      let inner = 0;
      for (let n = 0; n < N; n++) inner += g[row + n]! * weights[row + n]!;
      const kn = keyNorm[bk_]!;
      const st = strength[bk_]!;
      let dStrength = 0;
      let dKeyNorm = 0;
      for (let n = 0; n < N; n++) {
        const dLogit = weights[row + n]! * (g[row + n]! - inner);
        const mn = memNorm[b * N + n]!;
        const den = kn * mn + DNC_EPSILON;
        const sim = dot[row + n]! / den;
        dStrength += dLogit * sim;
        const dSim = dLogit * st;
        dDot[n] = dSim / den;
        // sim = dot/den: ∂/∂den = −sim/den, and den = ‖k‖·‖M_n‖ + ε.
        const dDen = (-dSim * sim) / den;
        dKeyNorm += dDen * mn;
        dMemNorm[b * N + n]! += dDen * kn;
      }
      // softplus′ is the logistic function.
      dStrengths[bk_] = dStrength / (1 + Math.exp(-str[bk_]!));
      const ko = bk_ * W;
      for (let n = 0; n < N; n++) {
        const dd = dDot[n]!;
        const mo = (b * N + n) * W;
        for (let w = 0; w < W; w++) {
          dKeys[ko + w]! += dd * mem[mo + w]!;
          dMemory[mo + w]! += dd * key[ko + w]!;
        }
      }
      for (let w = 0; w < W; w++) dKeys[ko + w]! += (dKeyNorm * key[ko + w]!) / kn;
    }
  for (let i = 0; i < B * N; i++) {
    const scale = dMemNorm[i]! / memNorm[i]!;
    for (let w = 0; w < W; w++) dMemory[i * W + w]! += scale * mem[i * W + w]!;
  }
  return [
    { shape: [B, N, W], values: dMemory },
    { shape: [B, K, W], values: dKeys },
    { shape: [B, K], values: dStrengths },
  ];
};

const content = hostBlock(['memory', 'keys', 'strengths'], [FORWARD, contentForward], [BACKWARD, contentBackward]);

/**
 * Content weights C(M, k, s) [B, K, N] as ops.ts `contentWeights` defines them, in one kernel each way (check
 * `fusedDncHere`): memory [B, N, W], keys [B, K, W], strengths [B, K].
 */
export function fusedContentWeights(memory: tf.Tensor3D, keys: tf.Tensor3D, strengths: tf.Tensor2D): tf.Tensor3D {
  return content(memory, keys, strengths) as tf.Tensor3D;
}
