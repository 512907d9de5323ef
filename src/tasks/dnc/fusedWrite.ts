/** Usage, allocation and the write weights of one write head on WASM and cpu in one kernel each way (see fused.ts). */
import * as tf from '@tensorflow/tfjs';
import { hostBlock, type HostCompute } from './fused';
import { DNC_EPSILON } from './model';

const WRITE_FORWARD = 'L4LabDncWrite';
const WRITE_BACKWARD = 'L4LabDncWriteGrad';
const f32 = Math.fround;

/**
 * Usage, allocation and the write weights of one write head (step.ts, steps 3–6), per batch row. The usage and the
 * allocation's sort keys are rounded to float32 operation by operation as the ops compute them, so that the
 * allocation order (a constant for the gradient) is the ops' own, ties included; the rest is float64.
 */
class WriteHead {
  readonly usage: Float64Array;
  readonly afterWrite: Float64Array;
  readonly written: Float64Array;
  readonly freed: Float64Array;
  readonly nonusage: Float64Array;
  /** before[j·N + k] (per row): slot k is allocated before slot j. */
  readonly before: Uint8Array;
  readonly prior: Float64Array;
  readonly alloc: Float64Array;
  readonly ww: Float64Array;

  constructor(
    readonly N: number,
    readonly R: number,
    readonly x: Record<string, ArrayLike<number>>,
    readonly b: number,
  ) {
    const { pw, u0, free, read, ga, gw, content } = x as Record<string, ArrayLike<number>>;
    this.usage = new Float64Array(N);
    this.afterWrite = new Float64Array(N);
    this.written = new Float64Array(N);
    this.freed = new Float64Array(N);
    this.nonusage = new Float64Array(N);
    this.before = new Uint8Array(N * N);
    this.prior = new Float64Array(N);
    this.alloc = new Float64Array(N);
    this.ww = new Float64Array(N);
    const [eps, keep] = [f32(DNC_EPSILON), f32(1 - DNC_EPSILON)];
    for (let j = 0; j < N; j++) {
      const at = b * N + j;
      const written = (this.written[j] = f32(1 - f32(1 - pw![at]!)));
      const after = (this.afterWrite[j] = f32(u0![at]! + f32(f32(1 - u0![at]!) * written)));
      let freed = 1;
      for (let r = 0; r < R; r++) {
        const t = f32(1 - f32(free![b * R + r]! * read![(b * R + r) * N + j]!));
        freed = r === 0 ? t : f32(freed * t);
      }
      this.freed[j] = freed;
      const usage = (this.usage[j] = f32(after * freed));
      this.nonusage[j] = f32(1 - f32(eps + f32(keep * usage)));
    }
    const logUsage = this.nonusage.map((v) => Math.log(f32(1 - v)));
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < N; k++) {
        const d = f32(this.nonusage[k]! - this.nonusage[j]!);
        const first = d > 0 || (d === 0 && k < j);
        this.before[j * N + k] = first ? 1 : 0;
        if (first) s += logUsage[k]!;
      }
      this.prior[j] = Math.exp(s);
      this.alloc[j] = this.nonusage[j]! * this.prior[j]!;
      this.ww[j] = gw![b]! * (ga![b]! * this.alloc[j]! + (1 - ga![b]!) * content![b * N + j]!);
    }
  }
}

/** [usage, allocation, write weights] side by side, [B, 3N]. */
const writeForward: HostCompute = (x, { u0: us, free: fs }) => {
  const [B, N] = us as [number, number];
  const R = fs![1]!;
  const out = new Float64Array(B * 3 * N);
  for (let b = 0; b < B; b++) {
    const h = new WriteHead(N, R, x, b);
    out.set(h.usage, b * 3 * N);
    out.set(h.alloc, b * 3 * N + N);
    out.set(h.ww, b * 3 * N + 2 * N);
  }
  return [{ shape: [B, 3 * N], values: out }];
};

/** The gradients for every input (the previous write weights' is 0: a stop-gradient), given d[usage, alloc, ww]. */
const writeBackward: HostCompute = (x, { u0: us, free: fs }) => {
  const [B, N] = us as [number, number];
  const R = fs![1]!;
  const { u0, free, read, ga, gw, content, dy } = x as Record<string, ArrayLike<number>>;
  const [dU0, dFree, dRead, dGa, dGw, dContent] = [B * N, B * R, B * R * N, B, B, B * N].map((n) => new Float64Array(n)) as Float64Array[];
  const dS = new Float64Array(N);
  const dNon = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    const h = new WriteHead(N, R, x, b);
    const g = (part: number, j: number) => dy![b * 3 * N + part * N + j]!;
    const [a, w] = [ga![b]!, gw![b]!];
    for (let j = 0; j < N; j++) {
      const dWw = g(2, j);
      dGa![b]! += w * dWw * (h.alloc[j]! - content![b * N + j]!);
      dGw![b]! += dWw * (a * h.alloc[j]! + (1 - a) * content![b * N + j]!);
      dContent![b * N + j] = dWw * w * (1 - a);
      const dAlloc = g(1, j) + dWw * w * a;
      // alloc = nonusage·prior, prior = exp(S), S_j = Σ_k before[j, k]·log(1 − nonusage_k).
      dNon[j] = dAlloc * h.prior[j]!;
      dS[j] = dAlloc * h.nonusage[j]! * h.prior[j]!;
    }
    for (let k = 0; k < N; k++) {
      let dLog = 0;
      for (let j = 0; j < N; j++) if (h.before[j * N + k]) dLog += dS[j]!;
      dNon[k]! -= dLog / (1 - h.nonusage[k]!);
    }
    for (let j = 0; j < N; j++) {
      // nonusage = 1 − ε − (1 − ε)·usage; usage = afterWrite·freed; freed = Π_r (1 − f_r·read_rj).
      const dUsage = g(0, j) - (1 - DNC_EPSILON) * dNon[j]!;
      dU0![b * N + j] = dUsage * h.freed[j]! * (1 - h.written[j]!);
      const dFreed = dUsage * h.afterWrite[j]!;
      for (let r = 0; r < R; r++) {
        let others = 1;
        for (let q = 0; q < R; q++) if (q !== r) others *= 1 - free![b * R + q]! * read![(b * R + q) * N + j]!;
        const dTerm = dFreed * others;
        dFree![b * R + r]! -= dTerm * read![(b * R + r) * N + j]!;
        dRead![(b * R + r) * N + j] = -dTerm * free![b * R + r]!;
      }
    }
  }
  return [
    { shape: [B, 1, N], values: new Float64Array(B * N) },
    { shape: [B, N], values: dU0! },
    { shape: [B, R], values: dFree! },
    { shape: [B, R, N], values: dRead! },
    { shape: [B, 1], values: dGa! },
    { shape: [B, 1], values: dGw! },
    { shape: [B, 1, N], values: dContent! },
  ];
};

const WRITE_INPUTS = ['pw', 'u0', 'free', 'read', 'ga', 'gw', 'content'] as const;

const writeHead = hostBlock(WRITE_INPUTS, [WRITE_FORWARD, writeForward], [WRITE_BACKWARD, writeBackward]);

/**
 * Steps 3–6 for one write head in one kernel each way (check `fusedDncHere`): from the previous write weights
 * [B, 1, N] (a constant: deepmind's stop-gradient), usage [B, N] and read weights [B, R, N], the free gates [B, R],
 * the allocation and write gates [B, 1] and the write content weights [B, 1, N], the usage [B, N], the allocation
 * weights and the write weights [B, 1, N].
 */
export function fusedWriteHead(
  prevWrite: tf.Tensor3D,
  prevUsage: tf.Tensor2D,
  freeGate: tf.Tensor2D,
  prevRead: tf.Tensor3D,
  allocGate: tf.Tensor2D,
  writeGate: tf.Tensor2D,
  writeContent: tf.Tensor3D,
): { usage: tf.Tensor2D; allocation: tf.Tensor3D; writeWeights: tf.Tensor3D } {
  const [B, N] = prevUsage.shape;
  const [usage, allocation, ww] = tf.split(writeHead(prevWrite, prevUsage, freeGate, prevRead, allocGate, writeGate, writeContent), 3, 1);
  return {
    usage: usage as tf.Tensor2D,
    allocation: tf.reshape(allocation!, [B, 1, N]) as tf.Tensor3D,
    writeWeights: tf.reshape(ww!, [B, 1, N]) as tf.Tensor3D,
  };
}
