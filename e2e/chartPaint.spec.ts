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
    paint: { frames: number; worst: number; cluster: number };
  };
  expect(r.error).toBeUndefined();
  expect(r.redraws).toBeGreaterThan(10);
  expect(r.paint.frames).toBeGreaterThan(50);
  // Where a curve's kept picture meets a newer piece, single pixels may differ (the layers' order and antialiasing
  // at the seam): groups of at most 3 touching pixels here, 0.2–0.6 % of the curves' pixels, growing with the seams
  // as the runs stream. A curve wrong along its length differs in long runs of pixels: with one segment per curve
  // left out at the seam, groups of 21 pixels (0.6 % in all); with the picture kept across an axis change, 80 %.
  expect(r.paint.cluster).toBeLessThanOrEqual(8);
  expect(r.paint.worst).toBeLessThan(0.01);
});
