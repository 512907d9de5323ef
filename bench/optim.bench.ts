/**
 * `npm run bench`: what L4 costs on top of its direction, on the paper's MNIST MLP and Fig. 6's DNC, in Node on the wasm and
 * cpu backends. The harness (src/bench/harness.ts) is shared with `npm run bench:browser`.
 * Options: --backends=wasm,cpu --rounds=N --quick --no-dnc --dnc-rounds=N --only=<part of a pair's name>
 */
import * as tf from '@tensorflow/tfjs';
import { startNodeBackend } from '../src/engine/nodeBackend';
import { formatRow, TABLE_HEADER } from '../src/bench/format';
import { runPairs } from '../src/bench/harness';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'];
  }),
);
const backends = (args.get('backends') ?? 'wasm,cpu').split(',');
const quick = args.has('quick');

const rows: string[] = [];
for (const backend of backends) {
  const { backend: used } = await startNodeBackend(backend as 'wasm' | 'cpu');
  if (used !== backend) throw new Error(`backend ${backend} did not start (got ${used})`);
  const slow = backend === 'cpu';
  const rounds = Number(args.get('rounds') ?? (quick ? 4 : slow ? 12 : 40));
  const block = quick ? 2 : slow ? 3 : 10;
  const warmup = slow ? 3 : 10;
  await runPairs(
    rounds,
    block,
    warmup,
    (r) => {
      const row = formatRow(backend, r);
      rows.push(row);
      console.log(row);
    },
    'mlp',
    args.get('only'),
  );
  // Fig. 6's DNC: one training step (T = 9, unrolled in one graph) and L4's cost on it; wasm only (cpu is ~5× slower).
  if (backend === 'wasm' && !args.has('no-dnc'))
    await runPairs(
      Number(args.get('dnc-rounds') ?? (quick ? 3 : 16)),
      quick ? 1 : 3,
      3,
      (r) => {
        const row = formatRow(backend, r);
        rows.push(row);
        console.log(row);
      },
      'dnc',
    );
}

console.log(
  `\nMNIST MLP 784-300-100-10, batch 64; DNC at train.py's sizes on repeat-copy (batch 16, T = 9); Node ${process.version}, tfjs ${tf.version.tfjs}, ${new Date().toISOString()}`,
);
console.log(
  "The ConvNet is benchmarked in the browser only (npm run bench:browser, WebGL and WebGPU): tfjs's WASM backend has no Conv2DBackpropFilter kernel, and one ConvNet step takes minutes on Node's cpu backend.",
);
console.log(TABLE_HEADER);
for (const r of rows) console.log(r);
