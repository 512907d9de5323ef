import { expect, test } from '@playwright/test';
import { Lab } from './lab';

test('a reload mid-run brings back the experiment and every trace point already shown; the run is "interrupted"', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.param('a', 'alpha').fill('0.2');
  await lab.setSteps(300);
  await lab.button('Start').click();
  await lab.waitStatus('b.1', 'done');
  await lab.waitStatus('a.1', 'done');
  // A second, long experiment, reloaded while it runs.
  await lab.setSteps(1_000_000);
  await lab.button('Start').click();
  await expect.poll(async () => (await lab.snapshot()).runs.find((r) => r.id === 'a.1')!.step, { timeout: 30_000 }).toBeGreaterThan(200);
  const shown = await page.evaluate(() =>
    (window as unknown as { __lab: { snapshot(): { runs: { id: string; traceLength: number }[] } } }).__lab
      .snapshot()
      .runs.map((r) => [r.id, r.traceLength] as const),
  );
  const url = page.url();
  await page.reload();
  await expect(page.getByTestId('runs.a.1.status')).toContainText('interrupted');
  const after = await page.evaluate(() =>
    (
      window as unknown as {
        __lab: {
          snapshot(): {
            experiment: { steps: number; runs: { options: Record<string, number> }[] };
            runs: { id: string; traceLength: number; status: string }[];
          };
        };
      }
    ).__lab.snapshot(),
  );
  expect(page.url()).toBe(url);
  expect(after.experiment.steps).toBe(1_000_000);
  expect(after.experiment.runs[0]!.options.alpha).toBe(0.2);
  for (const [id, n] of shown) {
    const r = after.runs.find((x) => x.id === id)!;
    expect(r.traceLength, `${id} kept its points`).toBeGreaterThanOrEqual(n);
    expect(r.status).toBe('interrupted');
  }
  // The charts draw the restored traces.
  await expect.poll(async () => Number(await page.getByTestId('chart.loss').getAttribute('data-points'))).toBeGreaterThan(100);
  // Reset deletes them for good.
  await lab.button('Reset').click();
  const savedRuns = () =>
    page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const req = indexedDB.open('l4-lab');
          req.onsuccess = () => {
            const count = req.result.transaction('runs').objectStore('runs').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
          req.onerror = () => reject(req.error);
        }),
    );
  await expect.poll(savedRuns).toBe(0);
  await page.reload();
  await expect(page.getByTestId('runs.empty')).toBeVisible();
  expect(lab.realErrors()).toEqual([]);
});

test('an interrupted run resumes from its last checkpoint, and its trace continues without a gap or repeat', async ({ page }) => {
  test.setTimeout(90_000);
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(1_000_000);
  await lab.button('Start').click();
  // Workers post a checkpoint about every 5 s.
  await page.waitForTimeout(6500);
  await page.reload();
  const resume = page.getByRole('button', { name: /^Resume run a\.1 from step \d+$/ });
  await expect(resume).toBeVisible();
  const from = Number((await resume.textContent())!.match(/\d+/)![0]);
  expect(from).toBeGreaterThan(0);
  await resume.click();
  await lab.waitStatus('a.1', 'running');
  await expect.poll(async () => (await lab.run('a.1'))!.step).toBeGreaterThan(from + 100);
  await lab.button('Stop').click();
  await lab.waitStatus('a.1', 'stopped');
  const s = await page.evaluate(() =>
    (window as unknown as { __lab: { snapshot(): { runs: { id: string; step: number; traceLength: number }[] } } }).__lab
      .snapshot()
      .runs.find((r) => r.id === 'a.1')!,
  );
  expect(s.traceLength).toBe(s.step);
  expect(lab.realErrors()).toEqual([]);
});
