import { expect, test, type Page } from '@playwright/test';

interface Snapshot {
  runs: { id: string; status: string; backend: string | null; fallbackReason: string | null; step: number; lastLoss: number | null; lastEffectiveLr: number | null }[];
}

const snapshot = (page: Page) => page.evaluate(() => (window as unknown as { __lab: { snapshot(): Snapshot } }).__lab.snapshot());

function trackErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function startRun(page: Page, opts: { task?: string; optimizer?: string; steps: number; backend?: string }) {
  if (opts.task) await page.getByLabel('task').selectOption(opts.task);
  if (opts.optimizer) await page.getByLabel('optimizer').selectOption(opts.optimizer);
  await page.getByLabel('steps').fill(String(opts.steps));
  if (opts.backend) await page.getByLabel('backend').selectOption(opts.backend);
  await page.getByRole('button', { name: 'Start' }).click();
}

test('a run trains in a worker on the automatic backend (WASM on a SwiftShader adapter) and the loss falls', async ({ page }) => {
  const errors = trackErrors(page);
  await page.goto('/');
  await startRun(page, { steps: 300 });
  await expect.poll(async () => (await snapshot(page)).runs[0]?.status, { timeout: 60_000 }).toBe('done');
  const run = (await snapshot(page)).runs[0]!;
  expect(run.step).toBe(300);
  expect(run.lastLoss!).toBeLessThan(1); // Rosenbrock starts at 24.2
  expect(run.lastEffectiveLr!).toBeGreaterThanOrEqual(0);
  const adapter = await page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return gpu ? ((await gpu.requestAdapter()) ? 'adapter' : 'none') : 'no navigator.gpu';
  });
  if (adapter === 'adapter') {
    // This machine's adapter is SwiftShader: the automatic choice is WASM, and the page says why.
    expect(run.backend).toBe('wasm');
    expect(run.fallbackReason).toMatch(/SwiftShader/);
  }
  await expect(page.getByTestId('runs.r1.status')).toHaveText('done');
  expect(errors).toEqual([]);
});

test('forcing the WebGPU backend on a small task trains on WebGPU', async ({ page }) => {
  const errors = trackErrors(page);
  await page.goto('/');
  await startRun(page, { steps: 15, backend: 'webgpu' });
  await expect.poll(async () => (await snapshot(page)).runs[0]?.status, { timeout: 90_000 }).toBe('done');
  const run = (await snapshot(page)).runs[0]!;
  expect(run.backend).toBe('webgpu');
  expect(run.fallbackReason).toBeNull();
  expect(run.step).toBe(15);
  expect(Number.isFinite(run.lastLoss!)).toBe(true);
  expect(errors.filter((e) => !/performance is poor|powerPreference/i.test(e))).toEqual([]);
});
