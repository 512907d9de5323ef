import { expect, test } from '@playwright/test';
import { Lab } from './lab';

test('a branch at step k with α changed has its own curve from k, and survives a reload', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(600);
  await lab.button('Start').click();
  await lab.waitStatus('a.1', 'done');
  await lab.waitStatus('b.1', 'done');
  await page.getByRole('button', { name: 'Branch run a.1' }).click();
  const panel = page.getByRole('region', { name: /Branch run a\.1/ });
  await expect(panel).toBeVisible();
  // The checkpoints kept for a.1: at its start, from steps 100, 200, 400 on, and at its end (600).
  const kept = (await panel.getByText(/checkpoints kept in this visit: steps/).innerText())
    .match(/steps ([\d, ]+)/)![1]!
    .split(', ')
    .map(Number);
  expect(kept[0]).toBe(0);
  expect(kept.at(-1)).toBe(600);
  const k = kept.find((s) => s >= 200)!;
  // A step between checkpoints says which checkpoint it would use.
  await page.getByLabel('branch step').fill(String(k + 1));
  await expect(page.getByTestId('branch.from')).toHaveText(`continues from the checkpoint at step ${k} (the nearest before ${k + 1})`);
  await page.getByLabel('branch step').fill(String(k));
  await expect(page.getByTestId('branch.from')).toHaveText(`continues from the checkpoint at step ${k}`);
  await page.getByLabel('alpha of the branch', { exact: true }).fill('0.25');
  await panel.getByRole('button', { name: 'Start branch' }).click();
  await expect(page.getByTestId('branch.started')).toHaveText(`Started a.1-b1 from step ${k}.`);
  await lab.waitStatus('a.1-b1', 'done');
  const b = (await lab.run('a.1-b1'))!;
  expect(b).toMatchObject({
    spec: 'a.1-b1',
    optimizer: 'l4adam',
    firstStep: k,
    step: 600,
    traceLength: 600 - k,
    branch: { from: 'a.1', step: k },
  });
  expect(b.hyper.alpha).toBe(0.25);
  await expect(page.getByTestId('runs.a.1-b1.branch')).toHaveText(`branch of a.1 at step ${k}`);
  // Its own curve beside a's and b's, and its own legend entry.
  await expect(page.getByTestId('chart.loss')).toHaveAttribute('data-curves', '3');
  await expect(page.getByLabel('show run a.1-b1')).toBeChecked();
  // A bad value is refused with a sentence, and nothing starts.
  await page.getByLabel('branch until step').fill(String(k));
  await panel.getByRole('button', { name: 'Start branch' }).click();
  await expect(page.getByTestId('branch.error')).toContainText(`The branch must train past its checkpoint at step ${k}`);
  expect((await lab.snapshot()).runs.map((r) => r.id)).toEqual(['a.1', 'b.1', 'a.1-b1']);

  // Clicking a chart picks the branch step under the pointer.
  const plot = page.getByTestId('chart.loss').locator('.plot');
  const grid = await page.getByTestId('chart.loss').locator('.recharts-cartesian-grid').boundingBox();
  await plot.click({ position: { x: grid!.x - (await plot.boundingBox())!.x + grid!.width / 2, y: 40 } });
  await expect.poll(async () => Number(await page.getByLabel('branch step').inputValue())).toBeGreaterThan(250);
  expect(Number(await page.getByLabel('branch step').inputValue())).toBeLessThan(350);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'L4 Lab' })).toBeVisible();
  await expect.poll(async () => (await lab.run('a.1-b1'))?.traceLength).toBe(600 - k);
  expect(await lab.run('a.1-b1')).toMatchObject({ firstStep: k, branch: { from: 'a.1', step: k } });
  await expect(page.getByTestId('chart.loss')).toHaveAttribute('data-curves', '3');
  await expect(page.getByTestId('runs.a.1-b1.branch')).toHaveText(`branch of a.1 at step ${k}`);
  expect(lab.realErrors()).toEqual([]);
});
