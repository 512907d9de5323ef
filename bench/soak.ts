/**
 * `npm run soak` (part of `npm test`): a million steps of a 2-D task through the engine (Runner + runLoop, as
 * the worker runs it), every chunk also kept in the page's trace store (as the lab keeps it), sampling the
 * tensor count and the JS heap plus typed-array memory (after a forced GC) as it goes. Fails if the tensor
 * count moves or memory grows after the warm-up (the store reaches its bound of 3·FULL_ROWS rows by 15 %).
 * Usage: npm run soak -- [--steps=1000000] [--backend=wasm|cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { startNodeBackend } from '../src/engine/nodeBackend';
import { runLoop } from '../src/engine/loop';
import { Runner } from '../src/engine/runner';
import { appendChunk, traceOf } from '../src/state/traces';
import { createTask } from '../src/tasks';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const steps = Number(args.get('steps') ?? 1_000_000);
const backend = (args.get('backend') ?? 'wasm') as 'wasm' | 'cpu';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run soak does)');

await startNodeBackend(backend);
const runner = new Runner(createTask('functions-2d', { fn: 'rosenbrock', noise: 0.01 }, 1), 'l4adam', {}, { steps });
const samples: { step: number; tensors: number; heapMB: number; rows: number }[] = [];
const every = Math.max(1, Math.floor(steps / 20));
let next = every;
const t0 = performance.now();
await runLoop(runner, {
  flushMs: 100,
  onChunk: (c) => {
    void appendChunk('soak', c);
    const last = c.columns.step[c.length - 1] ?? 0;
    if (last + 1 >= next) {
      gc();
      const m = process.memoryUsage();
      samples.push({
        step: last + 1,
        tensors: tf.memory().numTensors,
        heapMB: (m.heapUsed + m.arrayBuffers) / 2 ** 20,
        rows: traceOf('soak')?.length ?? 0,
      });
      next += every;
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
runner.dispose();
console.log(`| step | tensors | heap + typed arrays, MB | trace rows in the page store |\n| --- | --- | --- | --- |`);
for (const s of samples) console.log(`| ${s.step} | ${s.tensors} | ${s.heapMB.toFixed(1)} | ${s.rows} |`);
// Warm-up: the first quarter (the trace store fills to its bound by 15 % of a million steps).
const first = samples[Math.floor(samples.length / 4)] ?? samples[0]!;
const last = samples.at(-1)!;
console.log(
  `\n${steps} steps on ${backend} in ${seconds.toFixed(0)} s (${((1e3 * seconds) / steps).toFixed(3)} ms/step), status ${runner.status}`,
);
const tensorsFlat = samples.every((s) => s.tensors === first.tensors);
const heapGrowth = last.heapMB - first.heapMB;
console.log(`tensor count flat: ${tensorsFlat}; memory growth after warm-up (from step ${first.step}): ${heapGrowth.toFixed(1)} MB`);
if (runner.status !== 'done' || !tensorsFlat || heapGrowth > 8) {
  console.error('soak FAILED: the run did not finish, the tensor count moved, or memory grew by more than 8 MB');
  process.exit(1);
}
