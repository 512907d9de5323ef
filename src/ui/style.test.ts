import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PALETTE, TEXT_PALETTE } from './charts/colors';

// One look across the lab and the teaching page (app.css, teach.css): spacing and type from one scale each, and a
// run palette that can be told apart and read.

const css = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const SHEETS = { 'app.css': css('./app.css'), 'teach.css': css('./teaching/teach.css') };

/** Every `property: value` of a sheet, comments removed. */
const declarations = (sheet: string) =>
  [...sheet.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([a-z-]+)\s*:\s*([^;{}]+);/g)].map((m) => [m[1]!, m[2]!.trim()] as const);

/** The parts of a value that are not a token of `scale` (var(--space-N) or var(--text-…)) or 0, auto, inherit. */
function offScale(value: string, scale: 'space' | 'text'): string[] {
  const rest = value.replace(new RegExp(`var\\(--${scale}-[a-z0-9]+\\)`, 'g'), '').split(/\s+/);
  return rest.filter((part) => part !== '' && !['0', 'auto', 'inherit'].includes(part));
}

describe('the stylesheets', () => {
  for (const [name, sheet] of Object.entries(SHEETS)) {
    it(`${name}: every margin, padding and gap is on the spacing scale, every font size on the type scale`, () => {
      const found = declarations(sheet);
      const spacing = found.filter(([p]) => /^(margin|padding)(-(top|right|bottom|left))?$|^(row-|column-)?gap$/.test(p));
      const sizes = found.filter(([p]) => p === 'font-size');
      expect(spacing.length + sizes.length).toBeGreaterThan(5);
      const wrong = [
        ...spacing.filter(([, v]) => offScale(v, 'space').length).map(([p, v]) => `${p}: ${v}`),
        ...sizes.filter(([, v]) => offScale(v, 'text').length).map(([p, v]) => `${p}: ${v}`),
      ];
      expect(wrong).toEqual([]);
    });
  }

  it('the check finds a value off the scale', () => {
    expect(offScale('0.3rem var(--space-2)', 'space')).toEqual(['0.3rem']);
    expect(offScale('var(--space-2)', 'text')).toEqual(['var(--space-2)']);
    expect(offScale('0 auto', 'space')).toEqual([]);
  });
});

// WCAG 2's relative luminance and contrast ratio, and CIE L*a*b* (D65) for how far apart two colours look.
const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const luminance = (hex: string) => {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};
function lab(hex: string): [number, number, number] {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const [x, y, z] = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ].map(f) as [number, number, number];
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const distance = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));
const closest = (colours: readonly string[]) => Math.min(...colours.flatMap((a, i) => colours.slice(i + 1).map((b) => distance(a, b))));

describe('the run palette', () => {
  it('names runs in text that reads at least 4.5:1 on the page and on white (no yellow labels)', () => {
    for (const c of TEXT_PALETTE) {
      expect(contrast(c, '#fbfbfb'), c).toBeGreaterThanOrEqual(4.5);
      expect(contrast(c, '#ffffff'), c).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrast('#F0E442', '#ffffff')).toBeLessThan(1.5); // Okabe–Ito's yellow, which the check keeps out
  });

  it('draws curves that show on white (≥ 2:1) and that look apart (ΔE*ab ≥ 20 between curves, ≥ 15 between names)', () => {
    for (const c of PALETTE) expect(contrast(c, '#ffffff'), c).toBeGreaterThanOrEqual(2);
    expect(closest(PALETTE)).toBeGreaterThanOrEqual(20);
    expect(closest(TEXT_PALETTE)).toBeGreaterThanOrEqual(15);
    expect(distance('#000000', '#ffffff')).toBeCloseTo(100, 1);
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 6);
  });
});
