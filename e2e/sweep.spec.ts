import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { Lab } from './lab';

test('a merged sweep opens on the page whole: every grid point and seed, none clipped', async ({ page }) => {
  // 12 grid points × 3 seeds = 36 runs, on the headless lab's local pool (a few seconds).
  const dir = mkdtempSync(join(tmpdir(), 'l4-e2e-sweep-'));
  const spec = join(dir, 'spec.json');
  writeFileSync(
    spec,
    JSON.stringify({
      kind: 'l4-lab-sweep',
      v: 1,
      name: 'wide',
      tasks: [{ task: 'regression', settings: { samples: 50 }, steps: 30 }],
      optimizers: [
        { optimizer: 'adam', grid: { learningRate: { log: [1e-4, 1e-1, 10] } } },
        { optimizer: 'l4adam', grid: { alpha: [0.15, 0.3] } },
      ],
      seeds: { first: 1, count: 3 },
    }),
  );
  const out = join(dir, 'out');
  const said = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'sweep', spec, '--out', out, '--workers', '2'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
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
  expect(lab.realErrors()).toEqual([]);
});
