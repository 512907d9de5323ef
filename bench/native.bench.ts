/**
 * `npm run bench:native`: our wasm backend in Node against native PyTorch (Debian's python3-torch with OpenBLAS,
 * one thread) and against jax-js (npm @jax-js/jax on its Wasm backend, jitted), each in a child process, on the
 * MNIST MLP (batch 64) and the Fashion-MNIST ConvNet (batch CONVNET_BATCH; PyTorch only), interleaved block by
 * block in one session. Reports ms/step and the ratios to PyTorch's Adam, and which BLAS PyTorch used. The DNC
 * has no twin here (deepmind's is TensorFlow 1): `npm run bench` times it. PyTorch and jax-js are installed for
 * this benchmark only.
 * Options: --rounds=N (MLP blocks; the ConvNet gets a third) --no-convnet --no-jax
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startNodeBackend } from '../src/engine/nodeBackend';
import { CONVNET_BATCH, ours, type BenchModel, type Trainer } from './page/harness';
import { adam, l4Adam, sgd } from '../src/optim';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 20);
const models: BenchModel[] = process.argv.includes('--no-convnet') ? ['mlp'] : ['mlp', 'convnet'];
const blocks: Record<string, number> = { mlp: 10, convnet: 2 };

/** A reference in a child process: answers "<what> <N>" with the ms/step of N steps. */
async function reference(command: string, args: string[], env: NodeJS.ProcessEnv, install: string) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value);
  const header = await next();
  if (!header.startsWith('ready')) throw new Error(`${command} ${args.join(' ')} did not start: ${header} (${install})`);
  return {
    header: header.replace('ready ', ''),
    async block(what: string, n: number) {
      child.stdin!.write(`${what} ${n}\n`);
      return Number(await next());
    },
    end: () => child.stdin!.end(),
  };
}

// OpenBLAS on one thread, with none of this machine's tuning variables (they select a wrong kernel here).
const torchEnv: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
delete torchEnv.OPENBLAS_CORETYPE;
delete torchEnv.OPENBLAS_L2_SIZE;
const torch = await reference(
  '/usr/bin/python3',
  ['bench/native_torch.py', String(CONVNET_BATCH)],
  torchEnv,
  "install Debian's python3-torch and libopenblas0-pthread",
);
const jax = process.argv.includes('--no-jax') ? null : await reference('node', ['bench/native_jaxjs.mjs'], process.env, 'npm install');
await startNodeBackend('wasm');
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const table: string[] = [];
for (const model of models) {
  const block = blocks[model]!;
  // Each row: a name and one timed block of `block` steps.
  const rows: [string, () => Promise<number>][] = [[`PyTorch Adam (native, 1 thread)`, () => torch.block(model, block)]];
  const mine: Trainer[] = [ours('Adam', adam({ learningRate: 1e-3 }), model), ours('L4Adam', l4Adam(), model)];
  if (model === 'mlp') mine.push(ours('SGD', sgd({ learningRate: 0.01 }), model));
  for (const t of mine)
    rows.push([
      `tfjs wasm, our ${t.name}`,
      async () => {
        const t0 = performance.now();
        for (let i = 0; i < block; i++) t.step();
        await t.sync();
        return (performance.now() - t0) / block;
      },
    ]);
  if (jax && model === 'mlp')
    for (const opt of ['adam', 'sgd']) rows.push([`jax-js wasm, jit ${opt === 'adam' ? 'Adam' : 'SGD'}`, () => jax.block(opt, block)]);
  const times = rows.map(() => [] as number[]);
  for (const [, run] of rows) await run(); // warm-up: compilation, first allocations
  for (let r = 0; r < (model === 'mlp' ? rounds : Math.max(3, Math.ceil(rounds / 3))); r++)
    for (const [i, [, run]] of rows.entries()) times[i]!.push(await run());
  mine.forEach((t) => t.dispose());
  const title = model === 'mlp' ? 'MNIST MLP, batch 64' : `ConvNet, batch ${CONVNET_BATCH}`;
  rows.forEach(([name], i) =>
    table.push(`| ${title} | ${name} | ${med(times[i]!).toFixed(2)} | ${(med(times[i]!) / med(times[0]!)).toFixed(2)} |`),
  );
}
torch.end();
jax?.end();
console.log(`\nPyTorch: ${torch.header}${jax ? `; ${jax.header}` : ''}; Node ${process.version}, ${new Date().toISOString()}`);
console.log('| model | implementation | ms/step | ratio to PyTorch Adam |\n| --- | --- | --- | --- |');
for (const row of table) console.log(row);
