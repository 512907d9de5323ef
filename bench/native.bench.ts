/**
 * `npm run bench:native`: our best backend in Node (wasm) against native PyTorch (Debian's python3-torch,
 * installed for this benchmark only) on the MNIST MLP with Adam, interleaved block by block in one session.
 * Reports ms/step and the ratio; says which BLAS PyTorch used.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startNodeBackend } from '../src/engine/nodeBackend';
import { ours } from '../src/bench/harness';
import { adam, l4Adam } from '../src/optim';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 20);
const block = 10;
const py = spawn('/usr/bin/python3', ['bench/native_torch.py'], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: py.stdout! })[Symbol.asyncIterator]();
const next = async () => String((await lines.next()).value);
const header = await next();
if (!header.startsWith('ready')) throw new Error(`PyTorch did not start: ${header} (install Debian's python3-torch)`);
const torchBlock = async () => {
  py.stdin!.write(`${block}\n`);
  return Number(await next());
};
await startNodeBackend('wasm');
const mine = [ours('Adam', adam({ learningRate: 1e-3 })), ours('L4Adam', l4Adam())];
const times: Record<string, number[]> = { torch: [], Adam: [], L4Adam: [] };
await torchBlock();
for (const t of mine) {
  for (let i = 0; i < block; i++) t.step();
  await t.sync();
}
for (let r = 0; r < rounds; r++) {
  times.torch!.push(await torchBlock());
  for (const t of mine) {
    const t0 = performance.now();
    for (let i = 0; i < block; i++) t.step();
    await t.sync();
    times[t.name]!.push((performance.now() - t0) / block);
  }
}
py.stdin!.end();
mine.forEach((t) => t.dispose());
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`\n${header.replace('ready ', 'PyTorch: ')}`);
console.log('| implementation | ms/step | ratio to PyTorch |\n| --- | --- | --- |');
for (const k of ['torch', 'Adam', 'L4Adam'])
  console.log(
    `| ${k === 'torch' ? 'PyTorch Adam (native)' : `tfjs wasm, our ${k}`} | ${med(times[k]!).toFixed(2)} | ${(med(times[k]!) / med(times.torch!)).toFixed(2)} |`,
  );
