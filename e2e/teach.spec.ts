import { expect, test, type Page } from '@playwright/test';

interface TeachSnapshot {
  x: number;
  steps: number;
  skipped: number;
  settings: { alpha: number; rule: string };
  step: { next: number; eta: number; fullStep: number | null; target: number | null };
  hidden: string[];
}
const snap = (page: Page) => page.evaluate(() => (window as unknown as { __teach: { snapshot(): TeachSnapshot } }).__teach.snapshot());

function trackErrors(page: Page) {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('dragging the point and moving α changes the drawn step', async ({ page }) => {
  const errors = trackErrors(page);
  await page.goto('/teach.html');
  const svg = page.getByTestId('explainer');
  const before = await snap(page);
  expect(before.x).toBe(2);
  const box = (await svg.boundingBox())!;
  // Drag from the point to the left third of the plot.
  const point = (await page.getByTestId('explainer.point').boundingBox())!;
  await page.mouse.move(point.x + point.width / 2, point.y + point.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const dragged = await snap(page);
  expect(dragged.x).toBeLessThan(0);
  expect(Number(await svg.getAttribute('data-x'))).toBe(dragged.x);
  const nextBefore = Number(await svg.getAttribute('data-next'));
  await page.getByLabel('alpha of explainer', { exact: true }).fill('0.6');
  await expect.poll(async () => Number(await svg.getAttribute('data-next'))).not.toBe(nextBefore);
  const after = await snap(page);
  // The step is α of the way to the full step: next − x = α·(full − x).
  expect(after.step.next - after.x).toBeCloseTo(0.6 * (after.step.fullStep! - after.x), 6);
  // Keyboard: the point is a slider.
  await page.getByTestId('explainer.point').focus();
  await page.keyboard.press('ArrowRight');
  expect((await snap(page)).x).toBeCloseTo(dragged.x + 0.05, 6);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('steps-taken')).toHaveText('1 steps taken');
  await expect(page.getByTestId('formula')).toContainText('η = α·(L − γ·L_min)');
  expect(errors).toEqual([]);
});

test('a demonstration runs and shows its result', async ({ page }) => {
  const errors = trackErrors(page);
  await page.goto('/teach.html');
  await page.getByRole('button', { name: 'Scale the loss' }).click();
  await expect(page.getByTestId('demo.scale.result')).toContainText('(the same)');
  await expect(page.getByTestId('demo.scale.result')).toContainText('diverged for 25·L');
  expect((await snap(page)).steps).toBe(30);
  await page.getByRole('button', { name: 'A wrong f* for Polyak' }).click();
  await expect(page.getByTestId('demo.wrong-fstar.result')).toContainText('stuck where L = 0.5');
  // A bad batch: the NaN step is skipped and counted, and the run ends where the good steps alone end.
  await page.getByRole('button', { name: 'A bad batch' }).click();
  await expect(page.getByTestId('demo.bad-batch.result')).toContainText('with 1 step skipped');
  await expect(page.getByTestId('demo.bad-batch.result')).toContainText('(identical)');
  await expect(page.getByTestId('numbers.skippedSteps')).toHaveText('Skipped steps: 1 (the batch of step 11 is bad)');
  const bad = await snap(page);
  expect(bad.steps).toBe(30);
  expect(bad.skipped).toBe(1);
  expect(Number.isFinite(bad.x)).toBe(true);
  expect(errors).toEqual([]);
});

test('a classroom link hides what it names and opens a guided lesson', async ({ page }) => {
  const errors = trackErrors(page);
  await page.goto('/teach.html?hide=alpha,demos,formula&lesson=polyak');
  await expect(page.getByTestId('lesson')).toContainText('step 1 of 3');
  await expect(page.getByLabel('alpha of explainer', { exact: true })).toHaveCount(0);
  await expect(page.getByTestId('demos')).toHaveCount(0);
  await expect(page.getByTestId('formula')).toHaveCount(0);
  await expect(page.getByLabel('f star of explainer', { exact: true })).toBeVisible();
  expect((await snap(page)).hidden.sort()).toEqual(['alpha', 'demos', 'formula']);
  // Before the prediction, where the step lands is not shown: no full-step marker, no step, no "next x".
  await expect(page.getByTestId('explainer.full')).toHaveCount(0);
  await expect(page.getByTestId('explainer.step')).toHaveCount(0);
  await expect(page.getByTestId('numbers.next')).toHaveText('? (predict, then run)');
  await page.getByRole('button', { name: /^Run the lesson step/ }).click();
  await expect(page.getByTestId('lesson.answer')).toContainText('halves x');
  // The answer quotes the explainer's own counters.
  await expect(page.getByTestId('lesson.now')).toHaveText('(Here: x = 1 after 1 step.)');
  await expect(page.getByTestId('explainer.step')).toHaveCount(1);
  expect((await snap(page)).x).toBeCloseTo(1, 6);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('lesson')).toContainText('step 2 of 3');
  await expect(page.getByTestId('lesson.answer')).toHaveCount(0);
  await page.getByRole('button', { name: /^Run the lesson step/ }).click();
  await expect(page.getByTestId('lesson.now')).toContainText('after 10 steps');
  // Back sets step 1 up again; Restart too.
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByTestId('lesson')).toContainText('step 1 of 3');
  expect((await snap(page)).x).toBe(2);
  await page.getByRole('button', { name: /^Run the lesson step/ }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('lesson')).toContainText('step 2 of 3');
  await page.getByRole('button', { name: 'Restart' }).click();
  await expect(page.getByTestId('lesson')).toContainText('step 1 of 3');
  await expect(page.getByTestId('numbers.next')).toHaveText('? (predict, then run)');
  expect(errors).toEqual([]);
});

test('the 2-D explainer steps several optimizers together and draws their paths', async ({ page }) => {
  const errors = trackErrors(page);
  await page.goto('/teach.html');
  await page.getByLabel('surface').selectOption('quadratic');
  const step = page.getByRole('button', { name: 'Step together' });
  await step.click();
  await expect(page.getByTestId('twod.l4adam.steps')).toHaveText('1', { timeout: 30_000 });
  await step.click();
  await step.click();
  for (const id of ['l4adam', 'l4mom', 'polyak', 'adam', 'sgd']) {
    await expect(page.getByTestId(`twod.${id}.steps`)).toHaveText('3');
    await expect(page.getByTestId(`path.${id}`)).toHaveAttribute('data-points', '4'); // the start and three steps
  }
  await page.getByRole('button', { name: 'Run together' }).click();
  await expect.poll(async () => Number(await page.getByTestId('twod.sgd.steps').textContent())).toBeGreaterThan(50);
  // After the whole run (5,000 steps) every path is still drawn from its start: thinned, not cut to its last points.
  await expect(page.getByTestId('twod.sgd.steps')).toHaveText('5000', { timeout: 60_000 });
  for (const id of ['l4adam', 'sgd']) {
    const points = page.getByTestId(`path.${id}`);
    expect(Number(await points.getAttribute('data-points'))).toBeGreaterThan(1000);
    expect(Number(await points.getAttribute('data-points'))).toBeLessThanOrEqual(2000);
    const first = (await points.getAttribute('points'))!.split(' ')[0];
    const start = (await page.getByTestId('path.adam').getAttribute('points'))!.split(' ')[0];
    expect(first).toBe(start);
  }
  expect(errors).toEqual([]);
});

test('on a phone (390×844) the teaching page fits the screen, with axes and labels that can be read', async ({ page }) => {
  const errors = trackErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/teach.html');
  await expect(page.getByTestId('teach.hint')).toContainText('Drag the orange point');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // The 1-D and 2-D plots have axes, and their labels are at least 10 px tall on screen.
  for (const axes of ['explainer.axes', 'contour.axes']) {
    const heights = await page
      .getByTestId(axes)
      .locator('text')
      .evaluateAll((ts) => ts.map((t) => t.getBoundingClientRect().height));
    expect(heights.length).toBeGreaterThan(4);
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(10);
  }
  // The step's numbers and the equation are on screen, not beside it.
  for (const id of ['numbers', 'formula']) {
    const box = (await page.getByTestId(id).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  expect(errors).toEqual([]);
});
