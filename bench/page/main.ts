import { formatRow, tableHeader, type PairResult } from './format';

const q = new URLSearchParams(location.search);
const setResult = (r: unknown) => ((window as unknown as { __bench: unknown }).__bench = r);
if (q.has('charts')) {
  // Chart redraw benchmark: bench.html?charts=RUNSxROWS&seconds=S (&verify: compare every frame with a full repaint)
  const [runs, rows] = q.get('charts')!.split('x').map(Number) as [number, number];
  const { runChartBench } = await import('./charts');
  runChartBench(runs, rows, Number(q.get('seconds') ?? 5), q.has('verify')).then(
    (r) => setResult({ ok: true, ...r }),
    (e: unknown) => setResult({ ok: false, error: String(e) }),
  );
} else if (q.has('mnist')) {
  // MNIST from the local server, fetched, inflated and parsed as the workers do: bench.html?mnist
  const { loadMnistLike } = await import('../../src/tasks/data/mnist');
  const { serverSource } = await import('../../src/worker/browserEnv');
  const t0 = performance.now();
  loadMnistLike(serverSource('mnist')).then(
    (d) => setResult({ ok: true, ms: performance.now() - t0, train: d.train.n, test: d.test.n }),
    (e: unknown) => setResult({ ok: false, error: String(e) }),
  );
} else if (q.has('dots')) {
  // The GPU inner-product kernels against float64 sums: bench.html?dots=webgl2 (webgl1, webgpu)
  const { runDotsCheck } = await import('../../e2e/fixtures/dotsCheck');
  const target = q.get('dots');
  runDotsCheck(target === 'webgl1' || target === 'webgpu' ? target : 'webgl2').then(
    (r) => setResult(r),
    (e: unknown) => setResult({ ok: false, error: String(e) }),
  );
} else if (q.has('formulas')) {
  // The scalar formulas as shaders against float32 numbers, and Prodigy/D-Adapt against cpu: bench.html?formulas=webgl2
  const { runFormulaCheck } = await import('../../e2e/fixtures/formulaCheck');
  const target = q.get('formulas');
  runFormulaCheck(target === 'webgl1' || target === 'webgpu' ? target : 'webgl2').then(
    (r) => setResult({ ok: true, ...r }),
    (e: unknown) => setResult({ ok: false, error: String(e) }),
  );
} else if (q.has('goldenNext')) {
  // The official code's golden runs through the classes on a GPU backend: bench.html?goldenNext=webgl&factor=10
  const { runGoldenNextCheck } = await import('../../e2e/fixtures/goldenNextCheck');
  runGoldenNextCheck(q.get('goldenNext') === 'webgpu' ? 'webgpu' : 'webgl', Number(q.get('factor') ?? 10)).then(
    (r) => setResult({ ok: true, ...r }),
    (e: unknown) => setResult({ ok: false, error: String(e) }),
  );
} else if (q.has('dnc')) {
  // The DNC core against the golden file, and a few training steps: bench.html?dnc=webgl (or webgpu)
  const { runDncCheck } = await import('../../e2e/fixtures/dncCheck');
  const target = q.get('dnc');
  runDncCheck(target === 'webgpu' ? target : 'webgl').then(
    (r) => setResult(r),
    (e: unknown) => setResult({ ok: false, error: String(e) }),
  );
} else {
  const backend = (q.get('backend') ?? 'wasm') as 'wasm' | 'webgl' | 'webgpu' | 'cpu';
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
  const out = document.getElementById('out')!;
  worker.onmessage = (e: MessageEvent<{ ok: boolean; rows?: PairResult[]; adapter?: string | null; error?: string }>) => {
    (window as unknown as { __bench: unknown }).__bench = e.data;
    out.textContent = e.data.ok ? [tableHeader(), ...e.data.rows!.map((r) => formatRow(backend, r))].join('\n') : `failed: ${e.data.error}`;
    worker.terminate();
  };
  // bench.html?backend=webgl&mlp=ROUNDS,BLOCK,WARMUP&convnet=ROUNDS,BLOCK,WARMUP (a model without a plan is not run)
  // &only=Prodigy,D-Adapt (the pairs whose second member's name contains one of these)
  const plan = (name: string) => {
    const v = q.get(name)?.split(',').map(Number);
    return v && v.length === 3 ? { rounds: v[0]!, block: v[1]!, warmup: v[2]! } : undefined;
  };
  const models = Object.fromEntries((['mlp', 'convnet'] as const).flatMap((m) => (plan(m) ? [[m, plan(m)!]] : [])));
  worker.postMessage({ backend, models, ...(q.has('only') ? { only: q.get('only')! } : {}) });
}
