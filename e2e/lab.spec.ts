import { expect, test } from '@playwright/test';
import { Lab } from './lab';

test('start a comparison: both runs train in workers, the loss falls and η is plotted for both', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(300);
  await lab.button('Start').click();
  await lab.waitStatus('a.1', 'done');
  await lab.waitStatus('b.1', 'done');
  const s = await lab.snapshot();
  for (const r of s.runs) {
    expect(r.step).toBe(300);
    expect(r.last.loss!).toBeLessThan(24.2); // Rosenbrock starts at 24.2
  }
  expect(s.runs.find((r) => r.id === 'a.1')!.last.loss!).toBeLessThan(1);
  // The automatic choice follows the WebGPU adapter the page reports, and says why when it is not WebGPU.
  const run = s.runs[0]!;
  if (run.adapter === null) {
    expect(['webgl', 'wasm']).toContain(run.backend);
    expect(run.fallbackReason).toMatch(/no WebGPU adapter/);
  } else if (run.adapter.endsWith('(fallback)')) {
    // A software adapter (SwiftShader, as on the CI machines): WASM is ~13× faster there.
    expect(run.backend).toBe('wasm');
    expect(run.fallbackReason).toMatch(/SwiftShader/);
  } else {
    // A hardware adapter: WebGPU.
    expect(run.backend).toBe('webgpu');
    expect(run.fallbackReason).toBeNull();
  }
  const eta = page.getByTestId('chart.effectiveLr');
  await expect.poll(async () => Number(await eta.getAttribute('data-points'))).toBeGreaterThan(100);
  // The curves are drawn on a canvas over the plot: raw + smoothed for each of the two runs.
  await expect(eta.locator('canvas')).toHaveAttribute('data-curves', '4');
  // Hovering the loss chart reads every series' value at that step (the loss and L_min of L4Adam, Adam's loss).
  const plot = page.getByTestId('chart.loss').locator('svg.recharts-surface');
  const box = (await plot.boundingBox())!;
  await plot.hover({ position: { x: box.width * 0.6, y: box.height * 0.5 } });
  const readout = page.getByTestId('chart.loss').locator('g.hover');
  await expect(readout).toContainText('a: L4Adam:');
  await expect(readout).toContainText('a: L4Adam L_min:');
  await expect(readout).toContainText('b: Adam:');
  await page.mouse.move(0, 0);
  await expect(readout).toHaveCount(0);
  // From the keyboard: focus the plot, the arrow keys step through the values, Escape hides them.
  await page.getByRole('group', { name: /Training loss.*arrow keys read the values/ }).focus();
  await page.keyboard.press('End'); // the newest point, also while the chart catches up with the runs
  await expect(readout).toContainText('step 299');
  await page.keyboard.press('ArrowLeft');
  await expect(readout).toContainText('step 298');
  await expect(readout).toContainText('b: Adam:');
  await page.keyboard.press('Escape');
  await expect(readout).toHaveCount(0);
  await expect(page.getByTestId('runs.a.1.status')).toHaveText('done');
  expect(lab.realErrors()).toEqual([]);
});

test('without WebGPU, the automatic choice passes over a WebGL that renders in software @no-webgpu', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(15);
  await lab.button('Start').click();
  await lab.waitStatus('a.1', 'done', 90_000);
  const run = (await lab.run('a.1'))!;
  expect(run.adapter).toBeNull();
  // What this browser's WebGL is, asked as the probe asks (a context refused for the browser's own
  // "major performance caveat", or a renderer named like SwiftShader).
  const software = await page.evaluate(() => {
    const fast = document.createElement('canvas').getContext('webgl2', { failIfMajorPerformanceCaveat: true });
    if (!fast) return true;
    const info = fast.getExtension('WEBGL_debug_renderer_info');
    return /swiftshader|llvmpipe|software/i.test(info ? String(fast.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '');
  });
  if (software) {
    expect(run.backend).toBe('wasm');
    expect(run.fallbackReason).toBe('no WebGPU adapter; WebGL renders in software here (SwiftShader), where WASM is ~3× faster');
  } else {
    expect(run.backend).toBe('webgl');
    expect(run.fallbackReason).toBe('no WebGPU adapter');
  }
  expect(run.step).toBe(15);
  // The table says the reason once, as a numbered note its rows point to.
  await expect(page.getByTestId('runs.backend-notes')).toHaveText(`Why this backend: ${run.fallbackReason}`);
  await expect(page.getByTestId('runs.a.1.fallback')).toHaveText(' 1');
  await expect(page.getByTestId('runs.b.1.fallback')).toHaveText(' 1');
  expect(lab.realErrors()).toEqual([]);
});

test('forcing the WebGPU backend on a small task trains on WebGPU @webgpu', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(15);
  await page.getByLabel('backend', { exact: true }).selectOption('webgpu');
  await lab.button('Start').click();
  await lab.waitStatus('a.1', 'done', 90_000);
  const run = (await lab.run('a.1'))!;
  expect(run.backend).toBe('webgpu');
  expect(run.fallbackReason).toBeNull();
  expect(run.step).toBe(15);
  expect(Number.isFinite(run.last.loss!)).toBe(true);
  expect(lab.realErrors()).toEqual([]);
});

test('pause holds, resume continues, α changed mid-run is recorded, stop ends the run', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(1_000_000);
  await lab.button('Start').click();
  await expect.poll(async () => (await lab.run('a.1'))?.step ?? 0).toBeGreaterThan(20);
  await lab.button('Pause').click();
  await lab.waitStatus('a.1', 'paused');
  const held = (await lab.run('a.1'))!.step;
  await page.waitForTimeout(400);
  expect((await lab.run('a.1'))!.step).toBe(held);
  await lab.button('Step').click();
  await expect.poll(async () => (await lab.run('a.1'))!.step).toBe(held + 1);
  await expect(page.getByTestId('live-note')).toContainText('seeds still queued keep the values they were started with');
  await lab.param('a', 'alpha').fill('0.3');
  await expect.poll(async () => (await lab.run('a.1'))!.hyper.alpha).toBe(0.3);
  // The legend names the run by its own record: started at α 0.15, changed live at a step of seed 1.
  await expect(page.getByTestId('legend.a.changes')).toHaveText(
    new RegExp(`^ \\(live: α 0\\.15 → 0\\.3 at step ${held + 1} \\(seed 1\\)\\)$`),
  );
  await lab.button('Resume').click();
  await expect.poll(async () => (await lab.run('a.1'))!.step).toBeGreaterThan(held + 20);
  // Every chart marks the change at its step (at its next render: the x axis grows as the run goes on).
  await expect(page.getByTestId('chart.loss').locator('.live-change')).toHaveCount(1, { timeout: 15_000 });
  await expect(page.getByTestId('chart.loss')).toContainText('a: α 0.15 → 0.3 (seed 1)');
  // The run table gives the change on its seed's row, and only there.
  await expect(page.getByTestId('runs.a.1.changes')).toHaveText(`α 0.15 → 0.3 at step ${held + 1}`);
  await expect(page.getByTestId('runs.b.1.changes')).toHaveCount(0);
  // A setting is a column only where runs that have it differ: here no two runs share one with another value.
  await expect(page.getByRole('button', { name: 'Sort by lr' })).toHaveCount(0);
  await lab.button('Stop').click();
  await lab.waitStatus('a.1', 'stopped');
  expect(lab.realErrors()).toEqual([]);
});

test('a diverging run shows "diverged at step k" while the other run goes on', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await page.getByLabel('optimizer of run b').selectOption('sgd');
  await lab.param('b', 'learning rate').fill('10');
  await lab.setSteps(200);
  await lab.button('Start').click();
  await lab.waitStatus('b.1', 'diverged');
  await lab.waitStatus('a.1', 'done');
  const b = (await lab.run('b.1'))!;
  await expect(page.getByTestId('runs.b.1.status')).toContainText(`diverged at step ${b.divergedAt}`);
  // It stopped after 50 skipped steps in a row, and says so; the count is a column and, now not zero, a chart.
  await expect(page.getByTestId('runs.b.1.reason')).toHaveText('(50 steps skipped in a row)');
  await expect(page.getByTestId('runs.b.1.reason')).toHaveAttribute(
    'title',
    new RegExp(`^50 steps in a row were skipped from step ${b.divergedAt} on`),
  );
  await expect(page.getByTestId('runs.b.1.skippedSteps')).toHaveText('50');
  await expect(page.getByTestId('runs.a.1.skippedSteps')).toHaveText('0');
  await expect(page.getByTestId('chart.skippedSteps')).toBeVisible();
  expect((await lab.run('a.1'))!.step).toBe(200);
  expect(lab.realErrors()).toEqual([]);
});

test('the URL round-trips the experiment; a bad link opens the nearest valid experiment with a notice', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.param('a', 'alpha').fill('0.25');
  await lab.setSteps(123);
  await page.getByLabel('task', { exact: true }).selectOption('regression');
  // Changes in quick succession reach the URL together, within 300 ms of the last write.
  const inUrl = () => JSON.parse(Buffer.from(new URL(page.url()).hash.replace(/^#x=/, ''), 'base64url').toString()) as { task: string };
  await expect.poll(() => inUrl().task).toBe('regression');
  const url = page.url();
  expect(url).toMatch(/#x=/);
  const before = (await lab.snapshot()).experiment;
  await page.goto('about:blank');
  await page.goto(url);
  expect((await lab.snapshot()).experiment).toEqual(before);
  expect(before.runs[0]!.options.alpha).toBe(0.25);
  await lab.open('#x=not-a-valid-link');
  await expect(page.getByTestId('notices')).toContainText('could not be read');
  expect((await lab.snapshot()).experiment.task).toBe('mnist-mlp'); // the default experiment
});

test('invalid hyperparameters are refused at the control, with a message', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.param('a', 'alpha').fill('-1');
  await expect(page.getByTestId('param.run a.alpha.error')).toHaveText('alpha (α) must be in (0, 100], got -1.');
  await lab.param('a', 'gamma').fill('abc');
  await expect(page.getByTestId('param.run a.gamma.error')).toContainText('gamma (γ) must be a number');
  const e = (await lab.snapshot()).experiment;
  expect(e.runs[0]!.options.alpha).toBeUndefined();
  expect(e.runs[0]!.options.gamma).toBeUndefined();
});

test('export CSV has the trace columns; the JSON bundle imports back', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(40);
  await lab.button('Start').click();
  await lab.waitStatus('a.1', 'done');
  await lab.waitStatus('b.1', 'done');
  const [csv] = await Promise.all([page.waitForEvent('download'), lab.button('Export CSV').click()]);
  const text = await (await csv.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8'));
  const lines = text.trim().split('\n');
  expect(lines[0]).toBe('run,spec,optimizer,seed,step,loss,effectiveLr,updateNorm,flags,skippedSteps,lossMin,gDotV,numerator,wallTime');
  expect(lines).toHaveLength(1 + 80);
  const [json] = await Promise.all([page.waitForEvent('download'), lab.button('Export JSON').click()]);
  const path = await json.path();
  const before = await lab.snapshot();
  await lab.button('Reset').click();
  await expect(page.getByTestId('runs.empty')).toBeVisible();
  await page.getByLabel('import JSON bundle').setInputFiles(path);
  await expect(page.getByTestId('import.info')).toContainText('Imported 2 run(s)');
  const after = await lab.snapshot();
  expect(after.runs.map((r) => [r.id, r.step, r.last.loss, r.status])).toEqual(
    before.runs.map((r) => [r.id, r.step, r.last.loss, 'imported']),
  );
  await page
    .getByLabel('import JSON bundle')
    .setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"kind":"nope"}') });
  await expect(page.getByTestId('import.error')).toContainText('bad.json: This is not a valid run bundle');
  expect(lab.realErrors()).toEqual([]);
});

test('a tuning grid picks the best learning rate and puts it into the comparison', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(150);
  await page.getByLabel('lowest learning rate').fill('0.0001');
  await page.getByLabel('highest learning rate').fill('0.1');
  await page.getByLabel('grid points').fill('4');
  await lab.button('Tune').click();
  await expect(page.getByTestId('tuning.status')).toContainText('Best constant learning rate', { timeout: 90_000 });
  const s = await page.evaluate(() =>
    (
      window as unknown as {
        __lab: {
          snapshot(): {
            tuning: { best: { lr: number; score: number }; results: { lr: number; final: number }[] };
            experiment: { runs: { id: string; options: Record<string, number> }[] };
          };
        };
      }
    ).__lab.snapshot(),
  );
  expect(s.tuning.results.map((r) => r.lr)).toEqual([0.0001, 0.001, 0.01, 0.1]);
  const finite = s.tuning.results.filter((r) => Number.isFinite(r.final));
  const lowest = finite.reduce((a, r) => (r.final < a.final ? r : a));
  expect(s.tuning.best.lr).toBe(lowest.lr);
  expect(s.experiment.runs.find((r) => r.id === 'b')!.options.learningRate).toBe(s.tuning.best.lr);
  // The best of this grid is its highest rate: the panel says the best may lie beyond, and extends the grid.
  expect(s.tuning.best.lr).toBe(0.1);
  await expect(page.getByTestId('tuning.edge')).toContainText('The best rate is the highest of the grid (0.1)');
  await page.getByRole('button', { name: 'Extend the grid' }).click();
  await expect(page.getByLabel('highest learning rate')).toHaveValue('10');
  await expect(page.getByLabel('grid points')).toHaveValue('6');
  await expect(page.getByTestId('tuning.status')).toContainText('Best constant learning rate', { timeout: 90_000 });
  const grid = await page.evaluate(
    () => (window as unknown as { __lab: { snapshot(): { tuning: { results: { lr: number }[] } } } }).__lab.snapshot().tuning.results,
  );
  expect(grid.map((r) => r.lr)).toEqual([0.0001, 0.001, 0.01, 0.1, 1, 10]);
  await expect(page.getByTestId('tuning.curve')).toBeVisible();
  // "L4 discovers a schedule": once the comparison runs, the η chart shows the tuned rates as a band and the best.
  await lab.button('Start').click();
  await lab.waitStatus('a.1', 'done');
  const eta = page.getByTestId('chart.effectiveLr');
  await expect(eta).toContainText(/best tuned lr of b/);
  await expect(eta.locator('.tuned-band')).toHaveCount(1);
  await expect(eta.locator('.tuned-best')).toHaveCount(1);
  expect(lab.realErrors()).toEqual([]);
});

test('pause charts freezes the charts while training goes on; unpausing brings them up to date', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.setSteps(1_000_000);
  await lab.button('Start').click();
  const loss = page.getByTestId('chart.loss');
  await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThan(10);
  await page.getByLabel('pause charts').check();
  await page.waitForTimeout(600); // a redraw already on its way may still land
  const frozen = await loss.getAttribute('data-version');
  const step = (await lab.run('a.1'))!.step;
  await expect.poll(async () => (await lab.run('a.1'))!.step).toBeGreaterThan(step + 200);
  await page.waitForTimeout(700); // more than one redraw interval
  expect(await loss.getAttribute('data-version')).toBe(frozen);
  await page.getByLabel('pause charts').uncheck();
  await expect.poll(async () => Number(await loss.getAttribute('data-version'))).toBeGreaterThan(Number(frozen));
  await lab.button('Stop').click();
  expect(lab.realErrors()).toEqual([]);
});

test('the test-accuracy chart draws its first point: a sparse metric shows from one evaluation on', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await page.getByLabel('task', { exact: true }).selectOption('mnist-mlp');
  // One epoch of 10 steps: one evaluation, at the end.
  await page.getByLabel('batch size of task', { exact: true }).fill('6000');
  await page.getByRole('button', { name: 'Remove run b' }).click();
  await lab.setSteps(10);
  await lab.button('Start').click();
  await lab.waitStatus('a.1', 'done', 90_000);
  const acc = page.getByTestId('chart.testAccuracy');
  await expect(acc).toHaveAttribute('data-points', '1');
  // A dot for the one evaluation, at step 10.
  await expect(acc.locator('canvas')).toHaveAttribute('data-markers', '1');
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByLabel('Export testAccuracy chart as SVG').click()]);
  const text = Buffer.concat(await (await svg.createReadStream()).toArray()).toString('utf8');
  expect(text.match(/<circle cx="[\d.]+" cy="[\d.]+" r="3"/g)).toHaveLength(1);
  expect(lab.realErrors()).toEqual([]);
});
