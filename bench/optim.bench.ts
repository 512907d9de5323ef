/**
 * `npm run bench`: what L4 costs on top of its direction, on the paper's MNIST MLP (784-300-100-10, ReLU,
 * batch 64; random data), in Node on the wasm and cpu backends.
 *
 * Pairs (Adam vs L4Adam, Momentum vs L4Mom, and tfjs's own tf.train.adam vs our Adam for reference) run
 * interleaved in one process: each round times a block of steps of each member, in alternating order, so
 * that the machine's drift hits both alike. Reported: median ms/step per optimizer and the median of the
 * per-round ratios.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { adam, applyStep, disposeState, l4Adam, l4Mom, momentum, type Transform } from '../src/optim';

const require = createRequire(import.meta.url);
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'];
  }),
);
const backends = (args.get('backends') ?? 'wasm,cpu').split(',');
const quick = args.has('quick');

interface Trainer {
  readonly name: string;
  step(): void;
  sync(): Promise<void>;
  dispose(): void;
}

/** The MLP's variables with a fixed seed, and a few fixed random batches. */
function mlp(seed: number) {
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
  const loss = () => {
    const { x, y } = batches[t++ % batches.length]!;
    const [w1, b1, w2, b2, w3, b3] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h2, w3), b3)) as tf.Scalar;
  };
  const dispose = () => tf.dispose([...vars, ...batches.flatMap((b) => [b.x, b.y])]);
  return { vars, loss, dispose };
}

/** Our functional step, as the engine runs it. */
function ours(name: string, transform: Transform): Trainer {
  const net = mlp(1);
  let state = transform.init(net.vars);
  return {
    name,
    step() {
      const { value, grads } = tf.variableGrads(net.loss, net.vars);
      state = applyStep(transform, net.vars, net.vars.map((v) => grads[v.name]!), state, { loss: value });
      tf.dispose([value, grads]);
    },
    async sync() {
      await net.vars[0]!.data();
    },
    dispose() {
      disposeState(state);
      net.dispose();
    },
  };
}

/** tfjs's own optimizer, for reference. */
function tfjs(name: string, opt: tf.Optimizer): Trainer {
  const net = mlp(1);
  return {
    name,
    step() {
      opt.minimize(net.loss, false, net.vars);
    },
    async sync() {
      await net.vars[0]!.data();
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

/** Interleaved timing of a pair: returns ms/step per member and the per-round ratios b/a. */
async function comparePair(a: Trainer, b: Trainer, rounds: number, block: number, warmup: number) {
  for (const t of [a, b]) {
    for (let i = 0; i < warmup; i++) t.step();
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
  return { a: median(times[a.name]!), b: median(times[b.name]!), ratio: median(ratios), spread: [Math.min(...ratios), Math.max(...ratios)] };
}

async function useBackend(name: string) {
  if (name === 'wasm') {
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(pathToFileURL(dist + '/').href.replace('file://', ''));
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`backend ${name} did not start (active: ${tf.getBackend()})`);
  await tf.ready();
}

const rows: string[] = [];
for (const backend of backends) {
  await useBackend(backend);
  const slow = backend === 'cpu';
  const rounds = Number(args.get("rounds") ?? (quick ? 4 : slow ? 12 : 40));
  const block = quick ? 2 : slow ? 3 : 10;
  const warmup = slow ? 3 : 10;
  const pairs: [() => Trainer, () => Trainer][] = [
    [() => ours('Adam', adam({ learningRate: 1e-3 })), () => ours('L4Adam', l4Adam())],
    [() => ours('Momentum', momentum({ learningRate: 0.05 })), () => ours('L4Mom', l4Mom())],
    [() => tfjs('tf.train.adam', tf.train.adam(1e-3, 0.9, 0.999, 1e-4)), () => ours('Adam (ours)', adam({ learningRate: 1e-3 }))],
  ];
  for (const [ma, mb] of pairs) {
    const before = tf.memory().numTensors;
    const [a, b] = [ma(), mb()];
    const r = await comparePair(a, b, rounds, block, warmup);
    a.dispose();
    b.dispose();
    if (tf.memory().numTensors !== before) throw new Error(`${a.name}/${b.name} leaked tensors`);
    const row = `| ${backend} | ${a.name} | ${r.a.toFixed(2)} | ${b.name} | ${r.b.toFixed(2)} | **${r.ratio.toFixed(3)}** | ${r.spread[0]!.toFixed(2)}–${r.spread[1]!.toFixed(2)} |`;
    rows.push(row);
    console.log(row);
  }
}

console.log(`\nMNIST MLP 784-300-100-10, batch 64, Node ${process.version}, tfjs ${tf.version.tfjs}, ${new Date().toISOString()}`);
console.log('| backend | baseline | ms/step | L4 / other | ms/step | ratio (median of rounds) | ratio range |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
