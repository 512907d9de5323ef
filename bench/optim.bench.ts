/**
 * `npm run bench`: what L4 costs on top of its direction, on the paper's MNIST MLP, the Fashion-MNIST ConvNet (wasm
 * only) and Fig. 6's DNC (wasm only), in Node on the wasm and cpu backends, and the kernels one training step runs.
 * The harness (bench/page/harness.ts) is shared with `npm run bench:browser`.
 * Options: --backends=wasm,cpu --rounds=N --quick --no-dnc --dnc-rounds=N --no-convnet --conv-rounds=N
 * --only=<part of a pair's name> (on every model)
 */
import * as tf from '@tensorflow/tfjs';
import { startNodeBackend } from '../src/engine/nodeBackend';
import { formatRow, MODEL_TITLES, tableHeader } from './page/format';
import { CONVNET_BATCH, kernelsPerStep, runPairs, type BenchModel } from './page/harness';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'];
  }),
);
const backends = (args.get('backends') ?? 'wasm,cpu').split(',');
const quick = args.has('quick');

const rows: string[] = [];
const kernels: [string, BenchModel, number][] = [];
for (const backend of backends) {
  const { backend: used } = await startNodeBackend(backend as 'wasm' | 'cpu');
  if (used !== backend) throw new Error(`backend ${backend} did not start (got ${used})`);
  const slow = backend === 'cpu';
  const rounds = Number(args.get('rounds') ?? (quick ? 4 : slow ? 12 : 40));
  const block = quick ? 2 : slow ? 3 : 10;
  const warmup = slow ? 3 : 10;
  /** Runs the model's pairs (the `only` filter applies to every model) and counts its kernels per step. */
  const bench = async (model: BenchModel, rounds: number, block: number, warmup: number) => {
    await runPairs(
      rounds,
      block,
      warmup,
      (r) => {
        const row = formatRow(backend, r);
        rows.push(row);
        console.log(row);
      },
      model,
      args.get('only'),
    );
    kernels.push([backend, model, await kernelsPerStep(model)]);
  };
  await bench('mlp', rounds, block, warmup);
  // The ConvNet (batch CONVNET_BATCH) and Fig. 6's DNC (T = 9, unrolled in one graph): wasm only (one ConvNet step
  // takes seconds on cpu, the DNC ~5× wasm's time).
  if (backend === 'wasm' && !args.has('no-convnet'))
    await bench('convnet', Number(args.get('conv-rounds') ?? (quick ? 3 : 10)), quick ? 1 : 3, 3);
  if (backend === 'wasm' && !args.has('no-dnc')) await bench('dnc', Number(args.get('dnc-rounds') ?? (quick ? 3 : 16)), quick ? 1 : 3, 3);
}

console.log(
  `\nMNIST MLP 784-300-100-10, batch 64; DNC at train.py's sizes on repeat-copy (batch 16, T = 9); Node ${process.version}, tfjs ${tf.version.tfjs}, ${new Date().toISOString()}`,
);
console.log(`The ConvNet at batch ${CONVNET_BATCH}; on wasm with the lab's kernels (src/engine/tfjsFixes.ts).`);
console.log(tableHeader());
for (const r of rows) console.log(r);
console.log('\n| model | backend | kernels per training step (forward, backward, Adam) |\n| --- | --- | --- |');
for (const [backend, model, n] of kernels) console.log(`| ${MODEL_TITLES[model]} | ${backend} | ${n} |`);
