import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { Lab } from './lab';

/** Writes a sweep spec to a fresh folder and runs `lab <command> …` on it (local pool, 2 workers); returns its output folder and what it printed. */
function headless(command: 'sweep' | 'benchmark', spec: object): { out: string; said: string } {
  const dir = mkdtempSync(join(tmpdir(), `l4-e2e-${command}-`));
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify({ kind: 'l4-lab-sweep', v: 1, ...spec }));
  const out = join(dir, 'out');
  const args = command === 'sweep' ? ['sweep', file] : ['benchmark', '--spec', file];
  const said = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', ...args, '--out', out, '--workers', '2'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { out, said };
}

test('a merged sweep opens on the page whole: every grid point and seed, none clipped', async ({ page }) => {
  // 12 grid points × 3 seeds = 36 runs, on the headless lab's local pool (a few seconds).
  const { out, said } = headless('sweep', {
    name: 'wide',
    tasks: [{ task: 'regression', settings: { samples: 50 }, steps: 30 }],
    optimizers: [
      { optimizer: 'adam', grid: { learningRate: { log: [1e-4, 1e-1, 10] } } },
      { optimizer: 'l4adam', grid: { alpha: [0.15, 0.3] } },
    ],
    seeds: { first: 1, count: 3 },
  });
  expect(said).toContain('wide: 36 runs — 36 trained now');
  const bundle = join(out, 'wide.bundle.json');
  expect(said).toContain(bundle);
  const lossesOnDisk = (JSON.parse(readFileSync(bundle, 'utf8')) as { runs: { trace: { loss: number[] } }[] }).runs.map((r) =>
    r.trace.loss.at(-1),
  );

  const lab = new Lab(page);
  await lab.open();
  await page.getByLabel('import JSON bundle').setInputFiles(bundle);
  await expect(page.getByTestId('import.info')).toContainText('Imported 36 run(s)');
  const s = await lab.snapshot();
  expect(s.notices).toEqual([]);
  expect(s.experiment.runs).toHaveLength(12);
  expect(s.experiment.seeds).toBe(3);
  expect(s.experiment.runs.slice(0, 2).map((r) => r.options.learningRate)).toEqual([1e-4, 0.000215]);
  expect(s.experiment.runs.at(-1)).toMatchObject({ optimizer: 'l4adam', options: { alpha: 0.3 } });
  expect(s.runs).toHaveLength(36);
  expect(s.runs.every((r) => r.status === 'imported' && r.step === 30)).toBe(true);
  expect(s.runs.map((r) => r.last.loss)).toEqual(lossesOnDisk);
  // One curve per grid point (the seeds' mean with its band).
  await expect(page.getByTestId('chart.loss')).toHaveAttribute('data-curves', '12');
  // The run table has the grid's settings as columns: each run's lr (— for L4Adam) and α (— for Adam).
  await expect(page.getByTestId('runs.a.1.config.learningRate')).toHaveText('0.0001');
  await expect(page.getByTestId('runs.l.2.config.alpha')).toHaveText('0.3');
  await expect(page.getByTestId('runs.l.2.config.learningRate')).toHaveText('—');
  expect(lab.realErrors()).toEqual([]);
});

test('a benchmark report opens on the page: the performance profile, AlgoPerf score and a table per task', async ({ page }) => {
  const { out } = headless('benchmark', {
    name: 'mini',
    tasks: [
      { task: 'regression', settings: { samples: 50 }, steps: 100 },
      { task: 'functions-2d', settings: { fn: 'quadratic', noise: 0.1 }, steps: 100 },
    ],
    optimizers: [
      { optimizer: 'l4adam' },
      { optimizer: 'adam', grid: { learningRate: [1e-3, 1e-1] } },
      { optimizer: 'sgd', options: { learningRate: 1e3 } },
    ],
    seeds: { first: 1, count: 2 },
  });
  const lab = new Lab(page);
  await lab.open();
  await page.getByLabel('import JSON bundle').setInputFiles(join(out, 'benchmark.json'));
  await expect(page.getByTestId('import.info')).toContainText('Opened the benchmark report benchmark.json: 2 task(s).');
  const view = page.getByRole('region', { name: /Benchmark/ });
  await expect(view).toBeVisible();
  await expect(page.getByTestId('benchmark.profile')).toHaveAttribute('data-curves', '3');
  await expect(page.getByTestId('benchmark.profile').locator('path.recharts-curve')).toHaveCount(3);
  for (const task of ['regression', 'functions-2d/quadratic']) {
    const table = page.getByTestId(`benchmark.task.${task}`);
    await expect(table.locator('caption')).toContainText(`${task}: target`);
    await expect(table.locator('caption')).toContainText('set by adam-learningRate=');
    await expect(table.getByRole('row', { name: /adam \(tuned\)/ })).toBeVisible();
    await expect(table.getByRole('row', { name: /^l4adam/ })).toBeVisible();
  }
  // AlgoPerf's score; against Adam (which set both targets) Adam scores 1 by steps.
  const score = page.getByTestId('benchmark.score');
  await expect(score.getByRole('row', { name: /^l4adam/ })).toBeVisible();
  await page.getByLabel('score against').selectOption('adam');
  await expect(score.locator('caption')).toContainText('never slower than adam');
  await expect(score.getByRole('row', { name: /^adam/ }).locator('td').first()).toHaveText('1.000');
  // SGD at lr 1000 diverges on both tasks and seeds: a row per task and reason with its seeds, and why (the engine's
  // reason, or the loss).
  const diverged = page.getByTestId('benchmark.diverged');
  await expect(diverged.locator('caption')).toContainText('Diverged runs (4)');
  const rows = diverged.locator('tbody tr');
  expect((await rows.allInnerTexts()).every((t) => t.startsWith('sgd'))).toBe(true);
  const seeds = (await rows.locator('td:nth-of-type(2)').allInnerTexts()).flatMap((t) => t.split(', ').map(Number));
  expect(seeds.sort()).toEqual([1, 1, 2, 2]);
  for (const row of await rows.all()) await expect(row.locator('td').last()).toHaveText(/^(stopped: |the loss was |its last loss was )/);
  await page.getByLabel('profile by').selectOption('seconds');
  await expect(page.getByTestId('benchmark.profile')).toContainText('(seconds)');
  await lab.button('Close the benchmark').click();
  await expect(view).toHaveCount(0);
  expect(lab.realErrors()).toEqual([]);
});
