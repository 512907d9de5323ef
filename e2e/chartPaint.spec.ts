import { expect, test } from '@playwright/test';

/**
 * The live charts repaint only the ends of their curves over a cached picture (src/ui/charts/seriesPaint.ts):
 * every frame of a streaming session, through bucket merges and axis changes, must look like a full repaint.
 */
test('streaming charts paint what a full repaint paints, frame by frame', async ({ page }) => {
  test.setTimeout(60_000);
  // 3 runs of 30k steps, 100 more per frame each: the buckets merge (at 32,768 steps) while it streams.
  await page.goto('/bench.html?charts=3x30000&seconds=4&verify');
  await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, undefined, { timeout: 50_000 });
  const r = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
    ok: boolean;
    error?: string;
    redraws: number;
    paint: { frames: number; worst: number };
  };
  expect(r.error).toBeUndefined();
  expect(r.redraws).toBeGreaterThan(10);
  expect(r.paint.frames).toBeGreaterThan(50);
  // Where a curve's cached part meets its new end a few pixels may differ (layer order at the seam: 0.23 % here),
  // never a curve (a picture kept across an axis change: 80 %).
  expect(r.paint.worst).toBeLessThan(0.005);
});
