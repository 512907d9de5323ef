import { expect, test } from '@playwright/test';
import { Lab } from './lab';

// The comparison as a researcher watches it: live from the first seconds, the paired difference, step quality.
test('the lab opens on the headline comparison: both optimizers advance within 10 s of Start, and Pause/Resume work', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open('', { preset: null });
  const s = await lab.snapshot();
  expect(s.experiment.task).toBe('mnist-mlp');
  expect(s.experiment.runs.map((r) => [r.optimizer, r.options])).toEqual([
    ['l4adam', {}],
    ['adam', { learningRate: 1e-3, epsilonForm: 'tensorflow' }],
  ]);
  expect(s.experiment.seeds).toBe(3);
  const t0 = Date.now();
  await lab.button('Start').click();
  // Interleaved start: the first seed of each optimizer trains at once.
  await expect
    .poll(async () => Math.min((await lab.run('a.1'))?.step ?? 0, (await lab.run('b.1'))?.step ?? 0), { timeout: 10_000 })
    .toBeGreaterThan(5);
  expect(Date.now() - t0).toBeLessThan(10_000);
  await expect(page.getByTestId('chart.loss')).toHaveAttribute('data-points', /^[1-9]\d*$/);
  await lab.button('Pause').click();
  await lab.waitStatus('a.1', 'paused');
  await lab.waitStatus('b.1', 'paused');
  const held = [(await lab.run('a.1'))!.step, (await lab.run('b.1'))!.step];
  await page.waitForTimeout(500);
  expect([(await lab.run('a.1'))!.step, (await lab.run('b.1'))!.step]).toEqual(held);
  await lab.button('Resume').click();
  await expect
    .poll(async () => Math.min((await lab.run('a.1'))!.step - held[0]!, (await lab.run('b.1'))!.step - held[1]!))
    .toBeGreaterThan(5);
  // Still going after all that: the experiment is an epoch per seed, not a second.
  expect((await lab.run('a.1'))!.status).toBe('running');
  await lab.button('Stop').click();
  await lab.waitStatus('a.1', 'stopped');
  expect(lab.realErrors()).toEqual([]);
});

test('the paired-difference chart of L4Adam vs Adam is drawn with its band, and the pair can be swapped', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await page.getByLabel('task', { exact: true }).selectOption('regression');
  await page.getByLabel('seeds', { exact: true }).fill('2');
  await lab.setSteps(200);
  await lab.button('Start').click();
  for (const id of ['a.1', 'b.1', 'a.2', 'b.2']) await lab.waitStatus(id, 'done');
  const chart = page.getByTestId('chart.pairedLoss');
  await expect(chart).toContainText('Paired difference');
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(50);
  // The band over the two seeds, the raw curve and the smoothed one.
  await expect(chart.locator('canvas')).toHaveAttribute('data-curves', '3');
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByLabel('Export pairedLoss chart as SVG').click()]);
  const text = Buffer.concat(await (await svg.createReadStream()).toArray()).toString('utf8');
  expect(text).toMatch(/fill-opacity="0.15"/);
  // Hovering reads the mean with its band, named by both runs.
  const plot = chart.locator('svg.recharts-surface');
  const box = (await plot.boundingBox())!;
  await plot.hover({ position: { x: box.width * 0.6, y: box.height * 0.5 } });
  await expect(chart.locator('g.hover')).toContainText('a (L4Adam) vs b (Adam)');
  await page.getByLabel('paired difference A').selectOption('b');
  await page.getByLabel('paired difference B', { exact: true }).selectOption('a');
  await plot.hover({ position: { x: box.width * 0.5, y: box.height * 0.5 } });
  await expect(chart.locator('g.hover')).toContainText('b (Adam) vs a (L4Adam)');
  // The JSON bundle holds the derived curve as drawn: the pair, and per point the mean, its band and the seeds.
  const [json] = await Promise.all([page.waitForEvent('download'), lab.button('Export JSON').click()]);
  const bundle = JSON.parse(Buffer.concat(await (await json.createReadStream()).toArray()).toString('utf8')) as {
    derived: {
      pairedDifference: {
        a: string;
        b: string;
        column: string;
        points: { x: number; mean: number; lo: number; hi: number; seeds: number }[];
      };
    };
  };
  const d = bundle.derived.pairedDifference;
  expect([d.a, d.b, d.column]).toEqual(['b', 'a', 'loss']);
  expect(d.points.length).toBeGreaterThan(50);
  expect(d.points.every((p) => p.seeds === 2 && p.lo <= p.mean && p.mean <= p.hi)).toBe(true);
  expect(lab.realErrors()).toEqual([]);
});

test('the step-quality chart shows overshoot for α = 1.5 on the quadratic and none for α = 0.15', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await page.getByLabel('function', { exact: true }).selectOption('quadratic');
  await page.getByLabel('condition number of task', { exact: true }).fill('10');
  await page.getByLabel('optimizer of run a', { exact: true }).selectOption('l4mom');
  await page.getByLabel('optimizer of run b', { exact: true }).selectOption('l4mom');
  await lab.param('a', 'alpha').fill('1.5');
  await lab.param('b', 'alpha').fill('0.15');
  await expect(page.getByTestId('chart.stepQuality')).toHaveCount(0);
  await page.getByLabel('step quality', { exact: true }).check();
  await lab.setSteps(200);
  await lab.button('Start').click();
  await lab.waitStatus('b.1', 'done');
  await expect.poll(async () => (await lab.run('a.1'))?.status).toMatch(/done|diverged/);
  const chart = page.getByTestId('chart.stepQuality');
  await expect(chart).toContainText('Step quality');
  await expect(chart.locator('.overshoot')).toHaveCount(1);
  await expect.poll(async () => Number(await chart.getAttribute('data-overshoots'))).toBeGreaterThan(0);
  // Only run b left: α = 0.15 never overshoots.
  await page.getByLabel('show run a').uncheck();
  await expect.poll(async () => Number(await chart.getAttribute('data-overshoots'))).toBe(0);
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(50);
  expect(lab.realErrors()).toEqual([]);
});

test('the Fig. 3 preset: every compared optimizer’s curve within 15 s of Start (time-shared); "finish one at a time" trains one run per core', async ({
  page,
}) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.button('Fig. 3').click();
  const ids = (await lab.snapshot()).experiment.runs.map((r) => r.id);
  expect(ids).toEqual(['a', 'b', 'c', 'd']);
  const t0 = Date.now();
  await lab.button('Start').click();
  await expect
    .poll(async () => Math.min(...(await Promise.all(ids.map(async (id) => (await lab.run(`${id}.1`))?.step ?? 0)))), { timeout: 15_000 })
    .toBeGreaterThan(0);
  expect(Date.now() - t0).toBeLessThan(15_000);
  await expect(page.getByTestId('chart.loss')).toHaveAttribute('data-curves', '4', { timeout: 5_000 });
  // The second seeds wait for a first seed to finish.
  expect((await lab.snapshot()).runs.filter((r) => r.id.endsWith('.2')).map((r) => r.status)).toEqual([
    'queued',
    'queued',
    'queued',
    'queued',
  ]);
  await lab.button('Stop').click();
  await lab.waitStatus('d.1', 'stopped');
  // "Finish one at a time": one run per core (2 workers on this machine's 2 cores, at least 2 anywhere).
  await page.getByLabel('scheduling').selectOption('throughput');
  await lab.button('Start').click();
  const cores = await page.evaluate(() => Math.max(2, Math.min(8, navigator.hardwareConcurrency)));
  await expect.poll(async () => (await lab.snapshot()).runs.filter((r) => r.status !== 'queued').length).toBe(Math.min(8, cores));
  await lab.button('Stop').click();
  expect(lab.realErrors()).toEqual([]);
});
