import { expect, test, type Page } from '@playwright/test';
import { Lab } from './lab';

// One look across the lab and the teaching page: the same controls, the same focus ring, and on a phone every control
// a finger can hit (≥ 32 px) with nothing wider than the screen.

interface Target {
  name: string;
  width: number;
  height: number;
}

/** Every control shown on the page with its box; a checkbox or a radio button is measured by its label, its tap target. */
function tapTargets(page: Page): Promise<Target[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, select, input, summary')]
      .filter((el) => el.checkVisibility())
      .map((el) => {
        const box = el instanceof HTMLInputElement && ['checkbox', 'radio'].includes(el.type) ? (el.closest('label') ?? el) : el;
        const r = box.getBoundingClientRect();
        const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
        return { name: `${el.tagName.toLowerCase()} "${name}"`, width: r.width, height: r.height };
      }),
  );
}

const small = (targets: Target[]) => targets.filter((t) => t.height < 32 || t.width < 32).map((t) => `${t.name} ${t.width}×${t.height}`);

/** The computed look of the first control matching `selector`: what must be the same on both pages. */
function look(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const s = getComputedStyle(el);
      return {
        font: `${s.fontFamily} ${s.fontSize}`,
        border: `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`,
        radius: s.borderTopLeftRadius,
        padding: `${s.paddingLeft} ${s.paddingRight}`,
        background: s.backgroundColor,
        height: s.minHeight,
      };
    });
}

test('on a phone (390×844) every control of the lab and the teaching page is at least 32 px, and neither page scrolls sideways', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const lab = new Lab(page);
  await lab.open();
  // The run table, the branch panel and the charts' export buttons appear once runs exist.
  await lab.startAndFinish(20);
  await page.getByRole('button', { name: 'Branch' }).first().click();
  const labTargets = await tapTargets(page);
  expect(labTargets.length).toBeGreaterThan(40);
  expect(small(labTargets)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.goto('/teach.html');
  await expect(page.getByTestId('teach.hint')).toBeVisible();
  const teachTargets = await tapTargets(page);
  expect(teachTargets.length).toBeGreaterThan(15);
  expect(small(teachTargets)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(lab.realErrors()).toEqual([]);
});

test('the lab and the teaching page draw their buttons, fields, menus and focus ring alike', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  const selectors = ['button:not(.primary):not(.sort):not(:disabled)', 'button.primary', 'select', 'input[inputmode], input[type="text"]'];
  const onLab = await Promise.all(selectors.map((s) => look(page, s)));
  // Tab to the first control: the ring is the accent, 2 px.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const ring = () =>
    page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.outlineOffset}`;
    });
  const labRing = await ring();
  expect(labRing).toBe('solid 2px rgb(0, 114, 178) 2px');

  await page.goto('/teach.html');
  await expect(page.getByTestId('teach.hint')).toBeVisible();
  const onTeach = await Promise.all(selectors.map((s) => look(page, s)));
  expect(onTeach).toEqual(onLab);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await ring()).toBe(labRing);
  // The primary action stands out: filled with the accent on both pages.
  expect(onLab[1]!.background).toBe('rgb(0, 114, 178)');
  expect(onLab[0]!.background).toBe('rgb(255, 255, 255)');
});
