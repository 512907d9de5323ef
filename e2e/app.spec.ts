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

test('charts come first; the experiment panel folds away and comes back, from the keyboard too', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  const charts = page.getByTestId('charts');
  // The charts start above the fold, beside the panel.
  expect((await charts.boundingBox())!.y).toBeLessThan(300);
  const toggle = page.getByRole('button', { name: 'Hide the experiment panel' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('builder')).toBeVisible();
  const narrow = (await charts.boundingBox())!.width;
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('builder')).toBeHidden();
  const show = page.getByRole('button', { name: 'Show the experiment panel' });
  await expect(show).toHaveAttribute('aria-expanded', 'false');
  // The charts take the room.
  expect((await charts.boundingBox())!.width).toBeGreaterThan(narrow + 300);
  await show.click();
  await expect(page.getByTestId('builder')).toBeVisible();
});
