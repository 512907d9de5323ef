import { expect, test } from '@playwright/test';
import { Lab } from './lab';

test('a killed worker fails its run with the reason while the other run goes on; a restart avoids that backend', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(1_000_000);
  await lab.button('Start').click();
  await expect.poll(async () => (await lab.run('a.1'))?.step ?? 0).toBeGreaterThan(10);
  const killedOn = (await lab.run('a.1'))!.backend;
  expect(await page.evaluate(() => (window as unknown as { __lab: { killWorker(id: string): boolean } }).__lab.killWorker('a.1'))).toBe(
    true,
  );
  await lab.waitStatus('a.1', 'failed', 40_000);
  await expect(page.getByTestId('runs.a.1.status')).toContainText('failed: the worker stopped responding');
  const b = (await lab.run('b.1'))!.step;
  await expect.poll(async () => (await lab.run('b.1'))!.step).toBeGreaterThan(b);
  expect((await lab.run('b.1'))!.status).toBe('running');
  await lab.button('Stop').click();
  await lab.setSteps(20);
  await lab.button('Start').click();
  await lab.waitStatus('a.1', 'done', 60_000);
  const again = (await lab.run('a.1'))!;
  expect(again.backend).not.toBe(killedOn);
  expect(again.fallbackReason).toMatch(/last attempt of this run failed on it/);
  expect(lab.realErrors()).toEqual([]);
});
