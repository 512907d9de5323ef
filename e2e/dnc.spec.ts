import { expect, test } from '@playwright/test';
import { Lab } from './lab';

/**
 * The DNC core on the GPU backends against ../shared/golden-dnc (forward, loss, single step, every gradient, within
 * its README's tolerances; WebGPU's up to 10× wider, as the README allows), then a few training steps
 * (e2e/fixtures/dncCheck.ts). wasm and cpu are held to the same file by the unit tests.
 */
for (const backend of ['webgl', 'webgpu'] as const)
  test(`the DNC on ${backend} matches deepmind/dnc’s golden values and trains${backend === 'webgpu' ? ' @webgpu' : ''}`, async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.goto(`/bench.html?dnc=${backend}`);
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, undefined, { timeout: 150_000 });
    const r = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
      ok: boolean;
      error?: string;
      backend: string;
      worst: { forward: number; loss: number; grad: number };
      widen: number;
      mismatches: string[];
      errors: { grads: Record<string, number> };
      trainLosses: number[];
      leaked: number;
    };
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe(backend);
    expect(r.widen).toBe(backend === 'webgpu' ? 10 : 1);
    expect(r.mismatches).toEqual([]);
    // Each kind's worst error over its bound.
    expect(r.worst.forward).toBeLessThanOrEqual(1);
    expect(r.worst.loss).toBeLessThanOrEqual(1);
    expect(r.worst.grad, JSON.stringify(r.errors.grads)).toBeLessThanOrEqual(1);
    expect(r.trainLosses).toHaveLength(5);
    for (const l of r.trainLosses) expect(l).toBeGreaterThan(0);
    expect(r.leaked).toBe(0);
    expect(r.ok).toBe(true);
  });

test('the Fig. 6 preset trains the DNC in workers; the run table shows its ms/step', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.button('Fig. 6').click();
  const s0 = await lab.snapshot();
  expect(s0.experiment.task).toBe('repeat-copy');
  await expect(page.getByLabel('controller', { exact: true })).toHaveValue('dnc');
  await page.getByLabel('seeds', { exact: true }).fill('1');
  await lab.setSteps(20);
  await lab.button('Start').click();
  for (const id of ['a', 'b', 'c', 'd', 'e']) await lab.waitStatus(`${id}.1`, 'done', 120_000);
  const s = await lab.snapshot();
  for (const r of s.runs) {
    expect(r.step).toBe(20);
    expect(r.last.loss!).toBeGreaterThan(0);
  }
  // Wall time, which runs training together share: its header says so, lest it be read as the optimizers' cost.
  await expect(page.getByTestId('runs').locator('th[title]', { hasText: 'ms/step' })).toHaveAttribute('title', /share the cores/);
  await expect(page.getByTestId('summary.table').locator('th[title]', { hasText: 'ms/step' })).toHaveAttribute(
    'title',
    /^mean over the seeds of each run’s training wall time per step/,
  );
  // A DNC step takes tens of milliseconds at least, whatever the backend.
  for (const id of ['a', 'b', 'c', 'd', 'e']) {
    const ms = Number(await page.getByTestId(`runs.${id}.1.msPerStep`).textContent());
    expect(ms, id).toBeGreaterThan(5);
    expect(ms, id).toBeLessThan(10_000);
  }
  expect(lab.realErrors()).toEqual([]);
});
