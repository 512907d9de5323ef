/// <reference lib="webworker" />
// The browser benchmark's worker: the same harness as `npm run bench`, on a chosen backend.
import { chooseBackend } from '../../src/engine/backend';
import { browserProbe } from '../../src/worker/browserEnv';
import { runPairs, type BenchModel } from './harness';
import type { PairResult } from './format';

interface Plan {
  readonly rounds: number;
  readonly block: number;
  readonly warmup: number;
}

self.onmessage = async (
  e: MessageEvent<{ backend: 'wasm' | 'webgl' | 'webgpu' | 'cpu'; models: Partial<Record<BenchModel, Plan>>; only?: string }>,
) => {
  try {
    const { backend, fallbackReason } = await chooseBackend(e.data.backend, browserProbe);
    if (backend !== e.data.backend) throw new Error(`backend ${e.data.backend} did not start: ${fallbackReason}`);
    const adapter = await browserProbe.describeAdapter?.();
    const rows: PairResult[] = [];
    for (const [model, plan] of Object.entries(e.data.models) as [BenchModel, Plan][]) {
      rows.push(...(await runPairs(plan.rounds, plan.block, plan.warmup, undefined, model, e.data.only)));
    }
    self.postMessage({ ok: true, backend, adapter, rows });
  } catch (err) {
    self.postMessage({ ok: false, error: (err as Error).message });
  }
};
