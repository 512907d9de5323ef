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
