import { formatRow, TABLE_HEADER, type PairResult } from './format';

const q = new URLSearchParams(location.search);
const backend = (q.get('backend') ?? 'wasm') as 'wasm' | 'webgl' | 'webgpu' | 'cpu';
const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
const out = document.getElementById('out')!;
worker.onmessage = (e: MessageEvent<{ ok: boolean; rows?: PairResult[]; adapter?: string | null; error?: string }>) => {
  (window as unknown as { __bench: unknown }).__bench = e.data;
  out.textContent = e.data.ok ? [TABLE_HEADER, ...e.data.rows!.map((r) => formatRow(backend, r))].join('\n') : `failed: ${e.data.error}`;
  worker.terminate();
};
worker.postMessage({ backend, rounds: Number(q.get('rounds') ?? 20), block: Number(q.get('block') ?? 5), warmup: Number(q.get('warmup') ?? 5) });
