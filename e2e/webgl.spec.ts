import { expect, test } from '@playwright/test';
import { Lab } from './lab';

/** L4's epilogue runs as one fused kernel on WebGL: the same trajectory as the op-by-op path on WASM. */
test('L4 on WebGL (fused epilogue) follows the same trajectory as on WASM', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new Lab(page);
  const last: Record<string, { loss: number; eta: number }> = {};
  for (const backend of ['webgl', 'wasm']) {
    await lab.open();
    await page.getByLabel('task', { exact: true }).selectOption('regression');
    await page.getByLabel('condition number of task').fill('100000');
    await page.getByRole('button', { name: 'Remove run b' }).click();
    await lab.setSteps(100);
    await page.getByLabel('backend').selectOption(backend);
    await lab.button('Start').click();
    await lab.waitStatus('a.1', 'done', 90_000);
    const r = (await lab.run('a.1'))!;
    expect(r.backend).toBe(backend);
    last[backend] = { loss: r.lastLoss!, eta: r.lastEffectiveLr! };
    await lab.button('Reset').click();
  }
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  expect(rel(last.webgl!.loss, last.wasm!.loss)).toBeLessThan(1e-4);
  expect(rel(last.webgl!.eta, last.wasm!.eta)).toBeLessThan(1e-4);
  expect(lab.realErrors()).toEqual([]);
});

/**
 * The WebGL inner products (two dispatches for gᵀv and ‖v‖² over all tensors, reading packed textures) against
 * float64 sums: odd and even edges, ranks 0–4, many blocks, and padding that holds ones (src/bench/dotsCheck.ts).
 */
for (const version of [2, 1]) test(`WebGL ${version} inner-product kernel matches float64 sums on every packed layout`, async ({ page }) => {
  await page.goto(`/bench.html?dots=${version}`);
  await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, undefined, { timeout: 60_000 });
  const r = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
    ok: boolean;
    error?: string;
    backend: string;
    webglVersion: number;
    cases: { shapes: string; rel: number[] }[];
    leaked: number;
  };
  expect(r.error).toBeUndefined();
  expect(r.backend).toBe('webgl');
  expect(r.webglVersion).toBe(version);
  expect(r.ok).toBe(true);
  expect(r.cases).toHaveLength(4);
  for (const c of r.cases) {
    expect(c.rel).toHaveLength(3);
    for (const e of c.rel) expect(e, c.shapes).toBeLessThan(2e-6);
  }
  expect(r.leaked).toBe(0);
});
