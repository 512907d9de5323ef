/**
 * The DNC core on a browser backend (WebGL, WebGPU; wasm and cpu are the unit tests') against the golden file of ../shared/golden-dnc:
 * the forward pass, the loss, the single step and every gradient, within the README's tolerances (WebGPU's
 * transcendental functions are less exact: there the bounds may widen by up to 10×, as the README allows).
 * Then a few training steps of the DNC repeat-copy task, counting tensors. bench.html?dnc=webgl (or webgpu).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { runLoop } from '../engine/loop';
import { Runner } from '../engine/runner';
import { createTask } from '../tasks';
import { replayDncGolden } from '../tasks/dnc';
import { dncErrors, dncWorst, type DncErrors, type DncGoldenFile } from '../tasks/dncGolden';

export interface DncCheck {
  ok: boolean;
  backend: string;
  /** Each kind's worst error over its bound (the README's, times `widen`): ≤ 1 passes. */
  worst: { forward: number; loss: number; grad: number };
  widen: number;
  mismatches: string[];
  /** Every measured error, for a failure's message. */
  errors: DncErrors;
  trainLosses: number[];
  leaked: number;
}

export async function runDncCheck(backend: 'webgl' | 'webgpu'): Promise<DncCheck> {
  if (!(await tf.setBackend(backend))) throw new Error(`The ${backend} backend could not start.`);
  await tf.ready();
  const golden = (await import('../tasks/__fixtures__/golden-dnc/dnc-tiny-seed7.json')).default as unknown as DncGoldenFile;
  const before = tf.memory().numTensors;
  const e = dncErrors(await replayDncGolden(golden), golden);
  const widen = backend === 'webgpu' ? 10 : 1;
  const worst = dncWorst(e, widen);
  // A few training steps of the task at small sizes: one graph per batch, nothing left behind.
  const task = createTask('repeat-copy', { bits: 3, hidden: 16, memorySize: 8, wordSize: 8, readHeads: 2, batchSize: 4 }, 1);
  const runner = new Runner(task, 'l4adam', {}, { steps: 5 });
  const trainLosses: number[] = [];
  await runLoop(runner, { onChunk: (c) => trainLosses.push(...c.columns.loss) });
  runner.dispose();
  const leaked = tf.memory().numTensors - before;
  const ok =
    tf.getBackend() === backend &&
    e.mismatches.length === 0 &&
    worst.forward <= 1 &&
    worst.loss <= 1 &&
    worst.grad <= 1 &&
    trainLosses.length === 5 &&
    trainLosses.every(Number.isFinite) &&
    leaked === 0;
  return { ok, backend: tf.getBackend(), worst, widen, mismatches: e.mismatches, errors: e, trainLosses, leaked };
}
