/**
 * `npm run bench:native`: our wasm backend in Node against native PyTorch (Debian's python3-torch with OpenBLAS,
 * one thread; installed for this benchmark only) on the MNIST MLP (batch 64) and the Fashion-MNIST ConvNet (batch
 * CONVNET_BATCH) with Adam, interleaved block by block in one session. Reports ms/step and the ratios, and which
 * BLAS PyTorch used. The DNC has no PyTorch twin here (deepmind's is TensorFlow 1): `npm run bench` times it.
 * Options: --rounds=N (MLP blocks; the ConvNet gets a third) --no-convnet
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startNodeBackend } from '../src/engine/nodeBackend';
import { CONVNET_BATCH, ours, type BenchModel, type Trainer } from '../src/bench/harness';
import { adam, l4Adam } from '../src/optim';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 20);
const models: BenchModel[] = process.argv.includes('--no-convnet') ? ['mlp'] : ['mlp', 'convnet'];
const blocks: Record<string, number> = { mlp: 10, convnet: 2 };
// OpenBLAS on one thread, with none of this machine's tuning variables (they select a wrong kernel here).
const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const py = spawn('/usr/bin/python3', ['bench/native_torch.py', String(CONVNET_BATCH)], { stdio: ['pipe', 'pipe', 'inherit'], env });
const lines = createInterface({ input: py.stdout! })[Symbol.asyncIterator]();
const next = async () => String((await lines.next()).value);
const header = await next();
if (!header.startsWith('ready')) throw new Error(`PyTorch did not start: ${header} (install Debian's python3-torch)`);
const torchBlock = async (model: BenchModel) => {
  py.stdin!.write(`${model} ${blocks[model]}\n`);
  return Number(await next());
};
await startNodeBackend('wasm');
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const table: string[] = [];
for (const model of models) {
  const block = blocks[model]!;
  const mine: Trainer[] = [ours('Adam', adam({ learningRate: 1e-3 }), model), ours('L4Adam', l4Adam(), model)];
  const times: Record<string, number[]> = { torch: [], Adam: [], L4Adam: [] };
  await torchBlock(model);
  for (const t of mine) {
    for (let i = 0; i < block; i++) t.step();
    await t.sync();
  }
  for (let r = 0; r < (model === 'mlp' ? rounds : Math.max(3, Math.ceil(rounds / 3))); r++) {
    times.torch!.push(await torchBlock(model));
    for (const t of mine) {
      const t0 = performance.now();
      for (let i = 0; i < block; i++) t.step();
      await t.sync();
      times[t.name]!.push((performance.now() - t0) / block);
    }
  }
  mine.forEach((t) => t.dispose());
  const title = model === 'mlp' ? 'MNIST MLP, batch 64' : `ConvNet, batch ${CONVNET_BATCH}`;
  for (const k of ['torch', 'Adam', 'L4Adam'])
    table.push(
      `| ${title} | ${k === 'torch' ? 'PyTorch Adam (native, 1 thread)' : `tfjs wasm, our ${k}`} | ${med(times[k]!).toFixed(2)} | ${(med(times[k]!) / med(times.torch!)).toFixed(2)} |`,
    );
}
py.stdin!.end();
console.log(`\n${header.replace('ready ', 'PyTorch: ')}; Node ${process.version}, ${new Date().toISOString()}`);
console.log('| model | implementation | ms/step | ratio to PyTorch |\n| --- | --- | --- | --- |');
for (const row of table) console.log(row);
