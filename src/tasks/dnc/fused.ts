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

/** A kernel on the host backends: the inputs' values (read once), their shapes and the attributes in; outputs out. */
type HostCompute = (
  values: Record<string, ArrayLike<number>>,
  shapes: Record<string, readonly number[]>,
  attrs: Record<string, number>,
) => { shape: number[]; values: Float64Array }[];

const registered = new Set<string>();
/** Registers `compute` as `name` on cpu and WASM (once) and runs it on the active backend. */
function runHostKernel(
  name: string,
  compute: HostCompute,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, number> = {},
): tf.Tensor[] {
  if (!registered.has(name)) {
    registered.add(name);
    for (const backendName of HOST_BACKENDS)
      tf.registerKernel({
        kernelName: name,
        backendName,
        kernelFunc: ({ inputs: given, backend, attrs: a }) => {
          const bk = backend as unknown as HostBackend;
          const infos = given as Record<string, tf.TensorInfo>;
          const values = Object.fromEntries(Object.entries(infos).map(([k, t]) => [k, bk.readSync(t.dataId)]));
          const shapes = Object.fromEntries(Object.entries(infos).map(([k, t]) => [k, t.shape]));
          return compute(values, shapes, a as Record<string, number>).map((o) => output(bk, o.shape, o.values));
        },
      });
  }
  return tf.engine().runKernel(name, inputs, attrs) as unknown as tf.Tensor[];
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
  const str = strengths!;
  const c = new Content({ B, N, K, W }, memory!, keys!, str);
  const [g, mem, key] = [dy!, memory!, keys!];
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
  for (let i = 0; i < B * N; i++) for (let w = 0; w < W; w++) dMemory[i * W + w]! += (dMemNorm[i]! * c.memory[i * W + w]!) / c.memNorm[i]!;
  return [
    { shape: [B, N, W], values: dMemory },
    { shape: [B, K, W], values: dKeys },
    { shape: [B, K], values: dStrengths },
  ];
};

type CustomGradient = Parameters<typeof tf.customGrad>[0];

const content = tf.customGrad(((memory: tf.Tensor, keys: tf.Tensor, strengths: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
  save([memory, keys, strengths]);
  return {
    value: runHostKernel(FORWARD, contentForward, { memory, keys, strengths })[0]!,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [m, k, s] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return runHostKernel(BACKWARD, contentBackward, { memory: m, keys: k, strengths: s, dy });
    },
  };
}) as unknown as CustomGradient) as (memory: tf.Tensor, keys: tf.Tensor, strengths: tf.Tensor) => tf.Tensor;

/**
 * Content weights C(M, k, s) [B, K, N] as ops.ts `contentWeights` defines them, in one kernel each way (check
 * `fusedDncHere`): memory [B, N, W], keys [B, K, W], strengths [B, K].
 */
export function fusedContentWeights(memory: tf.Tensor3D, keys: tf.Tensor3D, strengths: tf.Tensor2D): tf.Tensor3D {
  return content(memory, keys, strengths) as tf.Tensor3D;
}

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
  const block = hostBlock(['pre', 'bias', 'c'], [LSTM_FORWARD, lstmForward], [LSTM_BACKWARD, lstmBackward], true, {
    forgetBias,
    clipValue,
  });
  const [h, next] = tf.split(block(pre, bias, c), [H, H, 6 * H], 1);
  return [h as tf.Tensor2D, next as tf.Tensor2D];
}

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

const writeHead = tf.customGrad(((...args: unknown[]) => {
  const xs = args.slice(0, WRITE_INPUTS.length) as tf.Tensor[];
  const save = args[WRITE_INPUTS.length] as (ts: tf.Tensor[]) => void;
  save(xs);
  const named = (ts: tf.Tensor[]) => Object.fromEntries(WRITE_INPUTS.map((k, i) => [k, ts[i]!]));
  return {
    value: runHostKernel(WRITE_FORWARD, writeForward, named(xs))[0]!,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runHostKernel(WRITE_BACKWARD, writeBackward, { ...named(saved), dy }),
  };
}) as unknown as CustomGradient) as (...xs: tf.Tensor[]) => tf.Tensor;

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

/**
 * A custom gradient over named inputs whose forward and backward are host kernels (one output, flat). With
 * `withOutput` the backward kernel also gets the forward's output, as `out`, rather than computing it again.
 */
function hostBlock(
  names: readonly string[],
  forward: [string, HostCompute],
  backward: [string, HostCompute],
  withOutput = false,
  attrs: Record<string, number> = {},
) {
  return tf.customGrad(((...args: unknown[]) => {
    const xs = args.slice(0, names.length) as tf.Tensor[];
    const value = runHostKernel(forward[0], forward[1], named(xs), attrs)[0]!;
    (args[names.length] as (ts: tf.Tensor[]) => void)(withOutput ? [...xs, value] : xs);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        runHostKernel(backward[0], backward[1], { ...named(saved), ...(withOutput ? { out: saved[names.length]! } : {}), dy }, attrs),
    };
  }) as unknown as CustomGradient) as (...xs: tf.Tensor[]) => tf.Tensor;
  function named(ts: tf.Tensor[]) {
    return Object.fromEntries(names.map((k, i) => [k, ts[i]!]));
  }
}

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
