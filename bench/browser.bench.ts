/**
 * `npm run bench:browser`: the optimizer-overhead benchmark in Chromium workers (production build), per
 * backend: L4Adam/Adam and L4Mom/Momentum ms per step on the MNIST MLP and the ConvNet, interleaved, and the
 * time of the first step (shader compilation on GPU backends). Options: --backends=wasm,webgl,webgpu
 * --models=mlp,convnet --programs (WebGL: list the shader programs a step runs, by name) --conv-rounds=N
 * --only=Prodigy,D-Adapt (the pairs whose second member's name contains one of these) --rounds=N (the MLP's rounds
 * on every backend, in place of the plan's)
 */
import { launchChromium, startPreview } from './chromium';
import { formatRow, tableHeader, type PairResult } from './page/format';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const backends = (args.get('backends') ?? 'wasm,webgl,webgpu').split(',');
// Software WebGPU/WebGL take ~0.1–0.5 s per step here: fewer, shorter rounds there.
const plan: Record<string, { rounds: number; block: number; warmup: number }> = {
  wasm: { rounds: 24, block: 8, warmup: 8 },
  cpu: { rounds: 6, block: 2, warmup: 2 },
  webgl: { rounds: 24, block: 4, warmup: 3 },
  webgpu: { rounds: 6, block: 2, warmup: 2 },
};
// The ConvNet's steps take seconds on software GPUs: few, single-step blocks.
const convPlan = { rounds: Number(args.get('conv-rounds') ?? 11), block: 1, warmup: 1 };
const models = (args.get('models') ?? 'mlp,convnet').split(',');
const port = 4174;
const server = await startPreview(port);
const browser = await launchChromium({ webgpu: true });
const lines: string[] = [];
let adapter: string | null = null;
try {
  for (const b of backends) {
    const p = { ...(plan[b] ?? plan.wasm!), ...(args.has('rounds') ? { rounds: Number(args.get('rounds')) } : {}) };
    const page = await browser.newPage();
    const q = [
      models.includes('mlp') ? `&mlp=${p.rounds},${p.block},${p.warmup}` : '',
      models.includes('convnet') ? `&convnet=${convPlan.rounds},${convPlan.block},${convPlan.warmup}` : '',
      args.has('only') ? `&only=${encodeURIComponent(args.get('only')!)}` : '',
    ].join('');
    await page.goto(`http://localhost:${port}/bench.html?backend=${b}${q}`);
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, undefined, { timeout: 900_000 });
    const res = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
      ok: boolean;
      error?: string;
      adapter?: string | null;
      rows?: PairResult[];
    };
    await page.close();
    if (!res.ok) {
      lines.push(`| | ${b} | failed: ${res.error} | | | | | | | | |`);
      continue;
    }
    adapter ??= res.adapter ?? null;
    for (const r of res.rows!) {
      const line = formatRow(b, r, true, 1);
      lines.push(line);
      console.log(line);
      if (args.has('programs') && r.programsA) {
        const names = [...new Set([...Object.keys(r.programsA), ...Object.keys(r.programsB ?? {})])].sort();
        for (const n of names) console.log(`    ${n}: ${r.programsA[n] ?? 0} / ${r.programsB?.[n] ?? 0}`);
      }
    }
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(`\nChromium ${browser.version()}, WebGPU adapter: ${adapter ?? 'none'}, ${new Date().toISOString()}`);
console.log(tableHeader(true));
for (const l of lines) console.log(l);
