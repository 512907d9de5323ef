/**
 * `npm run screenshots`: the README's pictures of the lab, taken from the production build in Debian's Chromium:
 * the default experiment (L4Adam against Adam on the MNIST MLP, 3 seeds) `--seconds` after Start (default 12),
 * at 1280×900 (docs/lab-1280x900.png) and on a phone, 390×844 (docs/lab-phone-390x844.png); and the record
 * (docs/lab-record-1280x900.png): the 2-D preset run to its end twice, α changed for the second, so the summary
 * says who won and the first experiment is in the history and drawn dashed beside the second.
 */
import type { BrowserContextOptions } from '@playwright/test';
import { launchChromium, startPreview } from './chromium';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const seconds = Number(args.get('seconds') ?? 12);
const port = 4176;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function shoot(options: BrowserContextOptions, file: string): Promise<void> {
  const page = await browser.newPage(options);
  await page.goto(`http://localhost:${port}/`);
  // Runs an earlier page saved come back from IndexedDB: start from none.
  await page
    .getByRole('button', { name: 'Reset', exact: true })
    .click({ timeout: 5000 })
    .catch(() => undefined);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await sleep(seconds * 1000);
  // The picture shows the charts while the runs train, not a half-drawn frame: wait for the next paint.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: file });
  console.log(`${file}: ${seconds} s after Start`);
  await page.close(); // its runs stop with it, and leave the cores to the next picture's
}

/** The record: a finished comparison's summary, and the experiment before it from the history, overlaid. */
async function record(file: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`http://localhost:${port}/`);
  await page
    .getByRole('button', { name: 'Reset', exact: true })
    .click({ timeout: 5000 })
    .catch(() => undefined);
  await page.getByRole('button', { name: '2-D functions' }).click();
  const finished = async () => {
    for (const id of ['a.1', 'b.1']) await page.getByTestId(`runs.${id}.status`).getByText('done').waitFor({ timeout: 120_000 });
  };
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await finished();
  await page.getByLabel('alpha of run a', { exact: true }).fill('0.3');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  // The first experiment goes to the history at this Start; the table then shows the new runs.
  await page.getByTestId('history.0').waitFor();
  await finished();
  await page
    .getByRole('button', { name: /^Overlay / })
    .first()
    .click();
  await page.getByTestId('history.overlay').waitFor();
  // The history sits at the foot of the experiment panel: scroll the panel to it.
  await page.locator('.side').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  // The page from the legend down: the summary, then the charts.
  await page.getByLabel('legend').evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 8));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: file });
  console.log(`${file}: the 2-D preset twice (α 0.15, then 0.3), the first overlaid from the history`);
  await page.close();
}

const server = await startPreview(port);
const browser = await launchChromium({ webgpu: false });
try {
  await shoot({ viewport: { width: 1280, height: 900 } }, 'docs/lab-1280x900.png');
  await shoot({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, 'docs/lab-phone-390x844.png');
  await record('docs/lab-record-1280x900.png');
} finally {
  await browser.close();
  server.kill();
}
