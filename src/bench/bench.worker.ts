/// <reference lib="webworker" />
// The browser benchmark's worker: the same harness as `npm run bench`, on a chosen backend.
import { chooseBackend } from '../engine/backend';
import { browserProbe } from '../worker/browserEnv';
import { runPairs } from './harness';

self.onmessage = async (e: MessageEvent<{ backend: 'wasm' | 'webgl' | 'webgpu' | 'cpu'; rounds: number; block: number; warmup: number }>) => {
  try {
    const { backend, fallbackReason } = await chooseBackend(e.data.backend, browserProbe);
    if (backend !== e.data.backend) throw new Error(`backend ${e.data.backend} did not start: ${fallbackReason}`);
    const adapter = await browserProbe.describeAdapter?.();
    const rows = await runPairs(e.data.rounds, e.data.block, e.data.warmup);
    self.postMessage({ ok: true, backend, adapter, rows });
  } catch (err) {
    self.postMessage({ ok: false, error: (err as Error).message });
  }
};
