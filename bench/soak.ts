/**
 * `npm run soak`: a long run of a 2-D task through the engine (Runner + drive, as the worker runs it), sampling
 * the tensor count and the JS heap (after a forced GC) as it goes; fails if either grows.
 * Usage: npm run soak -- [--steps=1000000] [--backend=wasm|cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { startNodeBackend } from '../src/cli/nodeBackend';
import { drive } from '../src/engine/drive';
import { Runner } from '../src/engine/runner';
import { createTask } from '../src/tasks';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const steps = Number(args.get('steps') ?? 1_000_000);
const backend = (args.get('backend') ?? 'wasm') as 'wasm' | 'cpu';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run soak does)');

await startNodeBackend(backend);
const runner = new Runner(createTask('functions-2d', { fn: 'rosenbrock', noise: 0.01 }, 1), 'l4adam', {}, { steps });
const samples: { step: number; tensors: number; heapMB: number }[] = [];
const every = Math.max(1, Math.floor(steps / 20));
let next = every;
const t0 = performance.now();
await drive(runner, {
  flushMs: 100,
  onChunk: (c) => {
    const last = c.columns.step[c.length - 1] ?? 0;
    if (last + 1 >= next) {
      gc();
      samples.push({ step: last + 1, tensors: tf.memory().numTensors, heapMB: process.memoryUsage().heapUsed / 2 ** 20 });
      next += every;
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
runner.dispose();
console.log(`| step | tensors | heap MB |\n| --- | --- | --- |`);
for (const s of samples) console.log(`| ${s.step} | ${s.tensors} | ${s.heapMB.toFixed(1)} |`);
const first = samples[1] ?? samples[0]!;
const last = samples.at(-1)!;
console.log(`\n${steps} steps on ${backend} in ${seconds.toFixed(0)} s (${((1e3 * seconds) / steps).toFixed(3)} ms/step), status ${runner.status}`);
const tensorsFlat = samples.every((s) => s.tensors === first.tensors);
const heapGrowth = last.heapMB - first.heapMB;
console.log(`tensor count flat: ${tensorsFlat}; heap growth after warm-up: ${heapGrowth.toFixed(1)} MB`);
if (!tensorsFlat || heapGrowth > 20) process.exit(1);
