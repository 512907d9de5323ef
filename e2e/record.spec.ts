import { expect, test } from '@playwright/test';
import { Lab } from './lab';

// The lab as an honest record: runs keep their names, experiments are kept, the summary and exports say what ran.
test('a preset loaded after a finished comparison does not rename its runs: each keeps its own optimizer', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.startAndFinish(30);
  const legend = page.getByLabel('legend');
  await expect(legend).toHaveText(/a: L4Adam\s*b: Adam/);
  const points = await page.getByTestId('chart.loss').getAttribute('data-points');
  // Fig. 2's line-up has L4Mom as b: the builder shows it, the runs on screen stay what they were.
  await lab.button('Fig. 2').click();
  await expect(page.getByLabel('optimizer of run b')).toHaveValue('l4mom');
  await expect(legend).toHaveText(/a: L4Adam\s*b: Adam/);
  await expect(legend).not.toContainText('L4Mom');
  await expect(page.getByTestId('chart.loss')).toHaveAttribute('data-points', points!);
  await expect(page.getByTestId('runs.b.1')).toContainText('Adam');
  expect(lab.realErrors()).toEqual([]);
});

test('the summary says who won: its figures are those of the runs, it sorts, and it says when the experiment is finished', async ({
  page,
}) => {
  const lab = new Lab(page);
  await lab.open();
  await page.getByLabel('seeds', { exact: true }).fill('2');
  await lab.startAndFinish(60, ['a.1', 'b.1', 'a.2', 'b.2']);
  await expect(page.getByTestId('summary.progress')).toHaveText('Finished: all 4 runs.');
  const runs = (await lab.snapshot()).runs;
  const num = (x: number) => (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4 ? x.toExponential(2) : String(Number(x.toPrecision(3))));
  for (const spec of ['a', 'b']) {
    const best = runs.filter((r) => r.spec === spec).map((r) => r.bestLoss!);
    const mean = Math.exp(best.reduce((s, x) => s + Math.log(x), 0) / best.length);
    await expect(page.getByTestId(`summary.${spec}.best`)).toHaveText(
      `${num(mean)} [${num(Math.min(...best))}, ${num(Math.max(...best))}]`,
    );
    await expect(page.getByTestId(`summary.${spec}.seeds`)).toHaveText('2');
    await expect(page.getByTestId(`summary.${spec}.diverged`)).toHaveText('0');
  }
  // Sorted by final loss, lowest first; a click on the header reverses it.
  const order = async () =>
    await page
      .getByTestId('summary.table')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
  const finals = await Promise.all(
    ['a', 'b'].map(async (id) => Number((await page.getByTestId(`summary.${id}.final`).textContent())!.split(' ')[0])),
  );
  const ascending = finals[0]! <= finals[1]! ? ['summary.a', 'summary.b'] : ['summary.b', 'summary.a'];
  expect(await order()).toEqual(ascending);
  await page.getByRole('button', { name: 'Sort by Final loss' }).click();
  expect(await order()).toEqual([...ascending].reverse());
  // The run table groups each spec's seeds, and sorts by any column.
  const rows = () =>
    page
      .getByTestId('runs')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((r) => r.getAttribute('data-testid')));
  expect(await rows()).toEqual(['runs.a.1', 'runs.a.2', 'runs.b.1', 'runs.b.2']);
  await page.getByTestId('runs').getByRole('button', { name: 'Sort by Best loss' }).click();
  const byBest = [...runs].sort((x, y) => x.bestLoss! - y.bestLoss!).map((r) => `runs.${r.id}`);
  expect(await rows()).toEqual(byBest);
  await page.getByTestId('runs').getByRole('button', { name: 'Sort by Best loss' }).click();
  // Descending; ties (the 2-D task's seeds start alike) keep the order the runs started in, either way.
  expect(await rows()).toEqual([...runs].sort((x, y) => y.bestLoss! - x.bestLoss!).map((r) => `runs.${r.id}`));
  // A target the user sets: steps to it, per spec.
  await page.getByLabel('target loss').fill('1e9');
  await expect(page.getByTestId('summary.a.target')).toHaveText('0 (2 of 2)');
  await page.getByLabel('target loss').fill('-1');
  await expect(page.getByTestId('summary')).toContainText('The target loss must be a number above 0.');
  expect(lab.realErrors()).toEqual([]);
});

test('a Start after a finished experiment keeps it in the history, where it can be reopened, exported and deleted', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.startAndFinish(30);
  const first = (await lab.snapshot()).runs.map((r) => [r.id, r.optimizer, r.step, r.last.loss]);
  // A preset and a new Start: the finished experiment goes into the history, not away.
  await lab.button('Fig. 2').click();
  await lab.setSteps(20);
  await lab.button('Start').click();
  await expect(page.getByTestId('history.0')).toContainText('2-D functions: a: L4Adam, b: Adam');
  await expect(page.getByTestId('history.0')).toContainText('2 runs: 2 done; set aside by a new Start');
  for (const id of ['a.1', 'b.1']) await lab.waitStatus(id, 'done');
  // Reopened, it is on screen again as it was; the experiment it replaced is set aside in turn.
  await page.getByRole('button', { name: 'Reopen 2-D functions: a: L4Adam, b: Adam' }).click();
  await expect.poll(async () => (await lab.snapshot()).runs.map((r) => [r.id, r.optimizer, r.step, r.last.loss])).toEqual(first);
  await expect(page.getByTestId('history.0')).toContainText('set aside to reopen another');
  await expect(page.getByTestId('history.1')).toHaveCount(0);
  await expect(page.getByLabel('legend')).toHaveText(/a: L4Adam\s*b: Adam/);
  // Kept over a reload.
  await page.reload();
  await expect(page.getByTestId('history.0')).toContainText('set aside to reopen another');
  const [bundle] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /^Export Badly conditioned/ }).click(),
  ]);
  const text = Buffer.concat(await (await bundle.createReadStream()).toArray()).toString('utf8');
  const said = Number(/(\d+) runs:/.exec((await page.getByTestId('history.0').textContent())!)![1]);
  expect((JSON.parse(text) as { runs: unknown[] }).runs).toHaveLength(said);
  await page.getByRole('button', { name: /^Delete Badly conditioned/ }).click();
  await page.getByRole('button', { name: /^Really delete Badly conditioned/ }).click();
  await expect(page.getByTestId('history.0')).toHaveCount(0);
  expect(lab.realErrors()).toEqual([]);
});

test('an experiment from the history is drawn dashed beside the current one, and taken off again; another task is refused', async ({
  page,
}) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.startAndFinish(30);
  // The same experiment at another α: the first goes into the history.
  await lab.param('a', 'alpha').fill('0.3');
  await lab.startAndFinish();
  await page.getByRole('button', { name: 'Overlay 2-D functions: a: L4Adam, b: Adam' }).click();
  // Its two specs join the chart as ha and hb, named as from the history and drawn dashed; what differs is said.
  await expect(page.getByTestId('chart.loss')).toHaveAttribute('data-curves', '4');
  await expect(page.getByLabel('legend')).toContainText(
    'a: L4Adam alpha 0.3 b: Adam ha: L4Adam alpha 0.15 (history, dashed) hb: Adam (history, dashed)',
  );
  await expect(page.getByTestId('runs.ha.1.status')).toHaveText('from the history (dashed)');
  await expect(page.getByTestId('history.overlay')).toContainText('Drawn dashed beside the runs on screen: 2-D functions');
  await lab.button('Remove the overlay').click();
  await expect(page.getByTestId('chart.loss')).toHaveAttribute('data-curves', '2');
  // Another task's experiment cannot be drawn on these axes.
  await lab.button('Fig. 2').click();
  await lab.startAndFinish(10);
  await page.getByRole('button', { name: 'Overlay 2-D functions: a: L4Adam, b: Adam' }).first().click();
  await expect(page.getByTestId('history').getByRole('alert')).toContainText('only runs of the same task can be drawn together');
  expect(lab.realErrors()).toEqual([]);
});

test('charts export as SVG and PNG', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.startAndFinish(30);
  // Both runs' curves must be drawn before the export (the chart redraws at most once per frame).
  const loss = page.getByTestId('chart.loss');
  await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThanOrEqual(2 * 30);
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByLabel('Export loss chart as SVG').click()]);
  expect(svg.suggestedFilename()).toBe('l4-lab-loss.svg');
  const text = Buffer.concat(await (await svg.createReadStream()).toArray()).toString('utf8');
  expect(text).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  // The canvas curves are in the file as vector paths: raw, smoothed and L_min (L4Adam), raw and smoothed (Adam).
  expect(text).not.toContain('foreignObject');
  expect(text.match(/<g[^>]*class="l4-series-vector"[^>]*>(.*?)<\/g>/)![1]!.match(/<path d="M[\d.]+,[\d.]+L/g)).toHaveLength(5);
  // Unlike a screenshot, the file names what it shows: the title, each run with its settings and seeds, the task.
  // Drawn on its own, every text of the file lies inside it: the captions wrap to the figure's width.
  const file = await page.evaluate((svgText) => {
    const host = document.createElement('div');
    host.style.cssText = 'position:absolute;left:0;top:0';
    host.innerHTML = svgText;
    document.body.appendChild(host);
    const svg = host.querySelector('svg')!;
    const box = svg.getBoundingClientRect();
    const caption = (cls: string) => [...svg.querySelectorAll(`text.${cls}`)].map((t) => t.textContent);
    const out = {
      width: Number(svg.getAttribute('width')),
      height: Number(svg.getAttribute('height')),
      title: caption('l4-export-title'),
      legend: caption('l4-export-legend'),
      footer: caption('l4-export-footer'),
      lines: svg.querySelectorAll('text[class^="l4-export"] tspan').length,
      outside: [...svg.querySelectorAll('text')]
        .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }))
        .filter(
          ({ r }) =>
            r.width > 0 && (r.left < box.left - 0.5 || r.right > box.left + box.width + 0.5 || r.bottom > box.top + box.height + 0.5),
        )
        .map(({ text, r }) => `${text} (${Math.round(r.left - box.left)}–${Math.round(r.right - box.left)} of ${Math.round(box.width)})`),
    };
    host.remove();
    return out;
  }, text);
  expect(file.outside).toEqual([]);
  expect(file.title).toEqual([expect.stringMatching(/^Training loss/)]);
  expect(file.legend).toHaveLength(2);
  expect(file.legend[0]).toMatch(/^a: L4Adam — a: alpha 0\.15, gamma 0\.9, tau 1000.*; seeds 1$/);
  expect(file.legend[1]).toMatch(/^b: Adam — b: learningRate 0\.01.*; seeds 1$/);
  expect(file.footer[0]).toMatch(/\(fn rosenbrock\); 30 steps per run/);
  // The captions are longer than one line of the figure: they wrapped.
  expect(file.lines).toBeGreaterThan(4);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByLabel('Export loss chart as PNG').click()]);
  const bytes = Buffer.concat(await (await png.createReadStream()).toArray());
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(lab.realErrors()).toEqual([]);
});
