import { expect, test } from '@playwright/test';

test('the built lab page loads with no console errors and shows the L4 defaults', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'L4 Lab' })).toBeVisible();
  await expect(page.getByTestId('app.defaults')).toContainText('α = 0.15');
  await expect(page.getByTestId('app.defaults')).toContainText('τ = 1000');
  // The page is cross-origin isolated, which WASM threads need.
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(errors).toEqual([]);
});
