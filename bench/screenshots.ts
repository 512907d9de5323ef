/**
 * `npm run screenshots`: the README's pictures of the lab, taken from the production build in Debian's Chromium:
 * the default experiment (L4Adam against Adam on the MNIST MLP, 3 seeds) `--seconds` after Start (default 12),
 * at 1280×900 (docs/lab-1280x900.png) and on a phone, 390×844 (docs/lab-phone-390x844.png).
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

const server = await startPreview(port);
const browser = await launchChromium({ webgpu: false });
try {
  await shoot({ viewport: { width: 1280, height: 900 } }, 'docs/lab-1280x900.png');
  await shoot({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, 'docs/lab-phone-390x844.png');
} finally {
  await browser.close();
  server.kill();
}
