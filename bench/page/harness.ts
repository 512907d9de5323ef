/**
 * The optimizer-overhead benchmark, shared by `npm run bench` (Node) and `npm run bench:browser` (a worker in
 * Chromium): the paper's MNIST MLP (784-300-100-10, ReLU, batch 64) and the Fashion-MNIST ConvNet (5×5·32,
 * pool, 5×5·64, pool, dense 1024; batch CONVNET_BATCH) on random data, trained with pairs of optimizers interleaved
 * block by block so that the machine's drift hits both alike.
 */
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../../src/lib/rng';
import {
  Adam,
  adam,
  applyStep,
  disposeState,
  l4Adam,
  l4Mom,
  makeOptimizer,
  momentum,
  optimizerTitle,
  withoutSkip,
  type Transform,
} from '../../src/optim';
import {
  DNC_WEIGHT_NAMES,
  dncConstants,
  dncUnroll,
  initDncWeights,
  maskedSigmoidXent,
  setFusedDnc,
  TRAIN_PY_DNC,
} from '../../src/tasks/dnc';
import { repeatCopyBatch } from '../../src/tasks/repeatCopy';
import { stepQualityOf } from '../../src/engine/stepQuality';
import { LR_FREE_PEERS, SUCCESSORS } from '../../src/experiments';

/** The learning-rate-free peers the MLP benchmark times against Adam. */
export const PEER_IDS = LR_FREE_PEERS;

export interface Trainer {
  readonly name: string;
  step(): void;
  sync(): Promise<void>;
  dispose(): void;
}

export type BenchModel = 'mlp' | 'convnet' | 'dnc';

/** The model's variables with a fixed seed, a few fixed random batches, and its loss. */
export function benchNet(model: BenchModel, seed: number) {
  return model === 'mlp' ? mlp(seed) : model === 'dnc' ? dnc(seed) : convnet(seed, CONVNET_BATCH);
}

/**
 * Fig. 6's model: deepmind/dnc's DNC at train.py's sizes (LSTM 64, 16 slots of 16, 4 read heads, 1 write head,
 * clip 20; 43,980 parameters) on four fixed REPEAT-COPY batches of 16 (bits 4, lengths and repeats 1–2; T = 9),
 * unrolled in one graph per step.
 */
export function dnc(seed: number) {
  const c = TRAIN_PY_DNC;
  const w = initDncWeights(c, makeRng(seed, 'init'));
  const k = dncConstants(c);
  const vars = DNC_WEIGHT_NAMES.map((n) => w[n]);
  const settings = { bits: 4, minLength: 1, maxLength: 2, minRepeats: 1, maxRepeats: 2, normMax: 10, batchSize: 16 };
  // Batches with a full-length (T = 9) sequence, as 99 % of train.py's are.
  const batches = [] as { x: tf.Tensor3D; y: tf.Tensor3D; m: tf.Tensor2D }[];
  for (let step = 0; batches.length < 4; step++) {
    const b = repeatCopyBatch(settings, 1, step);
    if (b.time === 9)
      batches.push({
        x: tf.tensor3d(b.input, [b.time, 16, 6]),
        y: tf.tensor3d(b.target, [b.time, 16, 5]),
        m: tf.tensor2d(b.mask, [b.time, 16]),
      });
  }
  let t = 0;
  const loss = (b?: number) => {
    const { x, y, m } = batches[(b ?? t++) % batches.length]!;
    return maskedSigmoidXent(dncUnroll(c, w, k, x), y, m);
  };
  const dispose = () => tf.dispose([...vars, k.lowerIndex, k.offDiagonal, ...batches.flatMap((b) => [b.x, b.y, b.m])]);
  return { vars, loss, dispose };
}

/**
 * The ConvNet benchmark's batch. Table 1 trains it at 100, but one such step takes tens of seconds on this
 * machine's software GPUs; at 10 the convolutions are 10× cheaper while the optimizer's work (3.3M
 * parameters) is unchanged, so L4's share of a step (the overhead measured) is larger, not smaller.
 */
export const CONVNET_BATCH = 10;

/** The Fashion-MNIST ConvNet of Table 1 (tasks/fashionConvnet.ts), on random 28×28 images. */
export function convnet(seed: number, batch = 100) {
  const he = (shape: number[], fanIn: number, i: number) =>
    tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed + i)));
  const vars = [
    he([5, 5, 1, 32], 25, 0),
    tf.tidy(() => tf.variable(tf.zeros([32]))),
    he([5, 5, 32, 64], 800, 1),
    tf.tidy(() => tf.variable(tf.zeros([64]))),
    he([3136, 1024], 3136, 2),
    tf.tidy(() => tf.variable(tf.zeros([1024]))),
    he([1024, 10], 1024, 3),
    tf.tidy(() => tf.variable(tf.zeros([10]))),
  ];
  const batches = Array.from({ length: 2 }, (_, b) =>
    tf.tidy(() => ({
      x: tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 100 + b) as tf.Tensor4D,
      y: tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 200 + b) as tf.Tensor1D, 10).toFloat(),
    })),
  );
  let t = 0;
  const loss = (b?: number) => {
    const { x, y } = batches[(b ?? t++) % batches.length]!;
    const [k1, b1, k2, b2, w3, b3, w4, b4] = vars as tf.Variable[] as [
      tf.Variable<tf.Rank.R4>,
      tf.Variable,
      tf.Variable<tf.Rank.R4>,
      tf.Variable,
      tf.Variable,
      tf.Variable,
      tf.Variable,
      tf.Variable,
    ];
    const c1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, k1, 1, 'same'), b1)) as tf.Tensor4D, 2, 2, 'valid');
    const c2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(c1, k2, 1, 'same'), b2)) as tf.Tensor4D, 2, 2, 'valid');
    const h = tf.relu(tf.add(tf.matMul(tf.reshape(c2, [batch, 3136]), w3), b3));
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, w4), b4)) as tf.Scalar;
  };
  const dispose = () => tf.dispose([...vars, ...batches.flatMap((b) => [b.x, b.y])]);
  return { vars, loss, dispose };
}

/** The MLP's variables with a fixed seed, and a few fixed random batches. */
export function mlp(seed: number) {
  const sizes = [784, 300, 100, 10];
  const vars: tf.Variable[] = [];
  for (let i = 0; i < 3; i++) {
    const [n, m] = [sizes[i]!, sizes[i + 1]!];
    vars.push(tf.tidy(() => tf.variable(tf.randomNormal([n, m], 0, Math.sqrt(2 / n), 'float32', seed + i))));
    vars.push(tf.tidy(() => tf.variable(tf.zeros([m]))));
  }
  const batches = Array.from({ length: 4 }, (_, b) =>
    tf.tidy(() => ({
      x: tf.randomUniform([64, 784], 0, 1, 'float32', 100 + b),
      y: tf.oneHot(tf.randomUniform([64], 0, 10, 'int32', 200 + b) as tf.Tensor1D, 10).toFloat(),
    })),
  );
  let t = 0;
  const loss = (b?: number) => {
    const { x, y } = batches[(b ?? t++) % batches.length]!;
    const [w1, b1, w2, b2, w3, b3] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h2, w3), b3)) as tf.Scalar;
  };
  const dispose = () => tf.dispose([...vars, ...batches.flatMap((b) => [b.x, b.y])]);
  return { vars, loss, dispose };
}

/** Our functional step, as the engine runs it (with `stepQuality`, as the engine's step-quality option runs it). */
export function ours(
  name: string,
  transform: Transform,
  model: BenchModel = 'mlp',
  { stepQuality = false, fusedDnc = true } = {},
): Trainer {
  const net = benchNet(model, 1);
  let state = transform.init(net.vars);
  // The step's batch, so that the extra forward pass sees the same one (the nets cycle through theirs per call).
  let t = 0;
  const stepOnce = () =>
    tf.tidy(() => {
      const batch = t++;
      const f = () => net.loss(batch);
      const { value, grads } = tf.variableGrads(f, net.vars);
      const g = net.vars.map((v) => grads[v.name]!);
      const before = stepQuality ? net.vars.map((v) => tf.clone(v)) : null;
      // As the engine's runner steps: on WebGL and WebGPU the skip guard does not choose old values on the device
      // (`unguarded`; the runner trains a slice with a skipped step again). No batch here is ever skipped.
      state = applyStep(transform, net.vars, g, state, { loss: value, unguarded: true });
      if (before) stepQualityOf(net.vars, before, g, value, f);
    });
  return {
    name,
    step() {
      // `fusedDnc: false`: the DNC's blocks op by op, as on the GPUs (tasks/dnc/fused.ts), to measure the fused kernels.
      if (fusedDnc) return stepOnce();
      setFusedDnc(false);
      try {
        stepOnce();
      } finally {
        setFusedDnc(true);
      }
    },
    async sync() {
      // The first and the last parameter: the step's updates run in order, so both done means all done.
      await Promise.all([net.vars[0]!.data(), net.vars.at(-1)!.data()]);
    },
    dispose() {
      disposeState(state);
      net.dispose();
    },
  };
}

/** tfjs's own optimizer, for reference. */
export function tfjsOptimizer(name: string, opt: tf.Optimizer): Trainer {
  const net = mlp(1);
  return {
    name,
    step() {
      opt.minimize(net.loss, false, net.vars);
    },
    async sync() {
      // The first and the last parameter: the step's updates run in order, so both done means all done.
      await Promise.all([net.vars[0]!.data(), net.vars.at(-1)!.data()]);
    },
    dispose() {
      opt.dispose();
      net.dispose();
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export type { PairResult } from './format';
import type { PairResult } from './format';

interface ProgramRunner {
  runWebGLProgram(program: { name?: string; constructor: { name: string } }, ...rest: unknown[]): unknown;
}

/**
 * Shader programs one step runs, by program name, on the WebGL backend (null elsewhere). Each is a dispatch
 * with a fixed cost, so the count explains per-step overheads that timings on a noisy machine only hint at.
 */
export function webglPrograms(t: Trainer): Record<string, number> | null {
  if (tf.getBackend() !== 'webgl') return null;
  const backend = tf.backend() as unknown as ProgramRunner;
  const original = backend.runWebGLProgram;
  const counts: Record<string, number> = {};
  backend.runWebGLProgram = function (program, ...rest) {
    // tfjs's programs are classes; ours (src/optim/webgl*.ts) are plain objects with a name.
    const name = program.name ?? program.constructor.name;
    counts[name] = (counts[name] ?? 0) + 1;
    return original.call(this, program, ...rest);
  };
  try {
    t.step();
  } finally {
    backend.runWebGLProgram = original;
  }
  return counts;
}

const total = (counts: Record<string, number> | null) => (counts ? Object.values(counts).reduce((x, y) => x + y, 0) : undefined);

/** Interleaved timing of a pair: each round times a block of each member, in alternating order. */
export async function comparePair(a: Trainer, b: Trainer, rounds: number, block: number, warmup: number): Promise<PairResult> {
  const first: number[] = [];
  const programs: (Record<string, number> | null)[] = [];
  for (const t of [a, b]) {
    const t0 = performance.now();
    t.step();
    await t.sync();
    first.push(performance.now() - t0);
    for (let i = 1; i < warmup; i++) t.step();
    programs.push(webglPrograms(t));
    await t.sync();
  }
  const times: Record<string, number[]> = { [a.name]: [], [b.name]: [] };
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [a, b] : [b, a];
    const round: Record<string, number> = {};
    for (const t of order) {
      const t0 = performance.now();
      for (let i = 0; i < block; i++) t.step();
      await t.sync();
      round[t.name] = (performance.now() - t0) / block;
      times[t.name]!.push(round[t.name]!);
    }
    ratios.push(round[b.name]! / round[a.name]!);
  }
  return {
    a: a.name,
    b: b.name,
    msA: median(times[a.name]!),
    msB: median(times[b.name]!),
    ratio: median(ratios),
    range: [Math.min(...ratios), Math.max(...ratios)],
    ratios,
    firstA: first[0]!,
    firstB: first[1]!,
    dispatchesA: total(programs[0]!),
    dispatchesB: total(programs[1]!),
    programsA: programs[0] ?? undefined,
    programsB: programs[1] ?? undefined,
  };
}

/** The pairs every bench runs: L4 against its direction, and (on the MLP) our Adam against tfjs's. */
export function standardPairs(model: BenchModel = 'mlp'): [() => Trainer, () => Trainer][] {
  const pairs: [() => Trainer, () => Trainer][] = [
    [() => ours('Adam', adam({ learningRate: 1e-3 }), model), () => ours('L4Adam', l4Adam(), model)],
    [() => ours('Momentum', momentum({ learningRate: 0.05 }), model), () => ours('L4Mom', l4Mom(), model)],
  ];
  if (model === 'dnc') {
    // The DNC's content addressing and LSTM cell in one kernel each way on WASM and cpu, against op by op.
    pairs.push([
      () => ours('Adam, DNC op by op', adam({ learningRate: 1e-3 }), model, { fusedDnc: false }),
      () => ours('Adam, DNC fused', adam({ learningRate: 1e-3 }), model),
    ]);
    return pairs;
  }
  if (model === 'mlp') {
    pairs.push([
      () => tfjsOptimizer('tf.train.adam', tf.train.adam(1e-3, 0.9, 0.999, 1e-4)),
      () => ours('Adam (ours)', adam({ learningRate: 1e-3 })),
    ]);
    // The class under model.fit (optim/adapter.ts) against the runner's step: on WebGL the class reads the skip counter
    // back after every step (a sync); elsewhere the two should cost the same.
    pairs.push([
      () => ours('Adam (ours)', adam({ learningRate: 1e-3 })),
      () => tfjsOptimizer('Adam class, model.fit path', new Adam({ learningRate: 1e-3 })),
    ]);
    // The skipped-step guard's cost (optim/skip.ts): Adam as every optimizer now runs, against Adam without it.
    pairs.push([
      () => ours('Adam without the guard', withoutSkip(adam({ learningRate: 1e-3 }))),
      () => ours('Adam + skip guard', adam({ learningRate: 1e-3 })),
    ]);
    // The step-quality option's cost: one more forward pass and −gᵀΔθ per step.
    pairs.push([() => ours('L4Adam', l4Adam()), () => ours('L4Adam + step quality', l4Adam(), 'mlp', { stepQuality: true })]);
    // The learning-rate-free peers and L4's successors, each over Adam at its defaults (goal: Prodigy, D-Adapt and
    // DoG ≤ 1.10, Schedule-Free ≤ 1.05; MoMo, MoMo-Adam, ScheduleFree+, AdEMAMix, Lion and Cautious ≤ 1.10; Muon
    // reported).
    for (const id of [...PEER_IDS, ...SUCCESSORS, 'c-adam', 'c-lion'])
      pairs.push([() => ours('Adam', adam({ learningRate: 1e-3 })), () => ours(optimizerTitle(id), makeOptimizer(id))]);
    // L4 over Muon against Muon (goal ≤ 1.03: L4 adds its gradient average, gᵀv and ‖v‖²).
    pairs.push([() => ours('Muon', makeOptimizer('muon')), () => ours('L4Muon', makeOptimizer('l4muon'))]);
  }
  return pairs;
}

/** Runs the standard pairs on the active backend; checks that nothing leaks. */
export async function runPairs(
  rounds: number,
  block: number,
  warmup: number,
  onRow?: (r: PairResult) => void,
  model: BenchModel = 'mlp',
  only?: string,
): Promise<PairResult[]> {
  const out: PairResult[] = [];
  for (const [ma, mb] of standardPairs(model)) {
    const before = tf.memory().numTensors;
    const [a, b] = [ma(), mb()];
    // `only`: the pairs whose second member's name contains it (e.g. "step quality"), or one of its comma-separated parts.
    if (only !== undefined && !only.split(',').some((part) => b.name.includes(part))) {
      a.dispose();
      b.dispose();
      continue;
    }
    const r = { ...(await comparePair(a, b, rounds, block, warmup)), model };
    a.dispose();
    b.dispose();
    if (tf.memory().numTensors !== before) throw new Error(`${a.name}/${b.name} leaked tensors`);
    out.push(r);
    onRow?.(r);
  }
  return out;
}

/** Kernels tfjs runs for one training step of `model` with our Adam (forward, backward and the update). */
export async function kernelsPerStep(model: BenchModel): Promise<number> {
  const t = ours('Adam', adam({ learningRate: 1e-3 }), model);
  t.step();
  await t.sync();
  const info = await tf.profile(() => t.step());
  await t.sync();
  t.dispose();
  return info.kernels.length;
}
