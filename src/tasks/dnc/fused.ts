/**
 * The DNC's content addressing as one kernel forward and one backward on the backends that keep tensors in host
 * memory (WASM, cpu). Op by op, C(M, k, s) is ~17 kernels forward and ~30 in its gradient, each on tensors of a few
 * hundred values, where tfjs spends its time in the bookkeeping around a kernel rather than in it; it runs twice a
 * step (write and read keys), ~850 of the ~3,200 kernels of a training step at train.py's sizes. Here the values are
 * read once, computed in float64 and written back as float32. Elsewhere (WebGL, WebGPU) the ops run (ops.ts).
 * Inputs are read with the backends' `readSync` (a copy: these tensors hold a few thousand values at most), outputs
 * made with cpu's `makeTensorInfo` or written on WASM's heap.
 */
import * as tf from '@tensorflow/tfjs';
import { DNC_EPSILON } from './model';

const FORWARD = 'L4LabDncContent';
const BACKWARD = 'L4LabDncContentGrad';
const HOST_BACKENDS = ['cpu', 'wasm'] as const;

/** The part of the host backends used here: reading a tensor (both), making one (cpu; WASM allocates on its heap). */
interface HostBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
  makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap?(t: tf.TensorInfo): Float32Array;
}

/** A new float32 tensor of `shape` holding `values` (rounded from float64). */
function output(bk: HostBackend, shape: number[], values: Float64Array): tf.TensorInfo {
  if (bk.makeOutput && bk.typedArrayFromHeap) {
    const out = bk.makeOutput(shape, 'float32');
    bk.typedArrayFromHeap(out).set(values);
    return out;
  }
  return bk.makeTensorInfo!(shape, 'float32', Float32Array.from(values));
}

let enabled = true;
/** Tests only: run content addressing op by op everywhere (false), to hold the kernels to the ops. */
export function setFusedDnc(on: boolean): void {
  enabled = on;
}

/** Whether `fusedContentWeights` runs on the active backend. */
export function fusedDncHere(): boolean {
  return enabled && (HOST_BACKENDS as readonly string[]).includes(tf.getBackend());
}

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

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of HOST_BACKENDS) {
    tf.registerKernel({
      kernelName: FORWARD,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const bk = backend as unknown as HostBackend;
        const { memory, keys, strengths } = inputs as Record<string, tf.TensorInfo>;
        const [B, N, W] = memory!.shape as [number, number, number];
        const K = keys!.shape[1]!;
        const c = new Content({ B, N, K, W }, bk.readSync(memory!.dataId), bk.readSync(keys!.dataId), bk.readSync(strengths!.dataId));
        return output(bk, [B, K, N], c.weights);
      },
    });
    tf.registerKernel({
      kernelName: BACKWARD,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const bk = backend as unknown as HostBackend;
        const { memory, keys, strengths, dy } = inputs as Record<string, tf.TensorInfo>;
        const [B, N, W] = memory!.shape as [number, number, number];
        const K = keys!.shape[1]!;
        const str = bk.readSync(strengths!.dataId);
        const c = new Content({ B, N, K, W }, bk.readSync(memory!.dataId), bk.readSync(keys!.dataId), str);
        const g = bk.readSync(dy!.dataId);
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
            for (let n = 0; n < N; n++) inner += g[row + n]! * c.weights[row + n]!;
            const kn = c.keyNorm[bk_]!;
            const st = c.strength[bk_]!;
            let dStrength = 0;
            let dKeyNorm = 0;
            for (let n = 0; n < N; n++) {
              const dLogit = c.weights[row + n]! * (g[row + n]! - inner);
              const mn = c.memNorm[b * N + n]!;
              const den = kn * mn + DNC_EPSILON;
              const sim = c.dot[row + n]! / den;
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
            for (let w = 0; w < W; w++) {
              const key = c.keys[bk_ * W + w]!;
              let d = (dKeyNorm * key) / kn;
              for (let n = 0; n < N; n++) {
                const m = (b * N + n) * W + w;
                d += dDot[n]! * c.memory[m]!;
                dMemory[m]! += dDot[n]! * key;
              }
              dKeys[bk_ * W + w] = d;
            }
          }
        for (let i = 0; i < B * N; i++)
          for (let w = 0; w < W; w++) dMemory[i * W + w]! += (dMemNorm[i]! * c.memory[i * W + w]!) / c.memNorm[i]!;
        return [output(bk, [B, N, W], dMemory), output(bk, [B, K, W], dKeys), output(bk, [B, K], dStrengths)];
      },
    });
  }
}

type CustomGradient = Parameters<typeof tf.customGrad>[0];

const content = tf.customGrad(((memory: tf.Tensor, keys: tf.Tensor, strengths: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
  save([memory, keys, strengths]);
  return {
    value: tf.engine().runKernel(FORWARD, { memory, keys, strengths }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [m, k, s] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return tf.engine().runKernel(BACKWARD, { memory: m, keys: k, strengths: s, dy }) as tf.Tensor[];
    },
  };
}) as unknown as CustomGradient) as (memory: tf.Tensor, keys: tf.Tensor, strengths: tf.Tensor) => tf.Tensor;

/**
 * Content weights C(M, k, s) [B, K, N] as ops.ts `contentWeights` defines them, in one kernel each way (check
 * `fusedDncHere`): memory [B, N, W], keys [B, K, W], strengths [B, K].
 */
export function fusedContentWeights(memory: tf.Tensor3D, keys: tf.Tensor3D, strengths: tf.Tensor2D): tf.Tensor3D {
  register();
  return content(memory, keys, strengths) as tf.Tensor3D;
}
