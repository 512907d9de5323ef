import { expect, test } from '@playwright/test';

test('the production build runs under a strict Content-Security-Policy with no violations', async ({ page }) => {
  const violations: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const res = await page.goto('/');
  const csp = res!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain("'unsafe-eval'");
  // Train on WASM (needs wasm-unsafe-eval), draw the charts, export a PNG (blob: image), then the teaching page.
  await page.getByLabel('steps', { exact: true }).fill('60');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('runs.a.1.status')).toHaveText('done', { timeout: 60_000 });
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByLabel('Export loss chart as PNG').click()]);
  expect(png.suggestedFilename()).toBe('l4-lab-loss.png');
  await page.goto('/teach.html');
  await page.getByRole('button', { name: 'Step together' }).click();
  await expect(page.getByTestId('twod.l4adam.steps')).toHaveText('1', { timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
  expect(errors).toEqual([]);
});
