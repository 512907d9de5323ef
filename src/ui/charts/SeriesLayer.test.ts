import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../lib/series';
import { domains, niceCeil } from './chartData';
import type { Drawn } from './SeriesLayer';
import { affine, bandPath, linePath, nearest, seriesSvg } from './seriesPaint';

const p = (x: number, y: number, lo = y, hi = y, n = 1): SeriesPoint => ({ x, y, lo, hi, n });

describe('chart drawing helpers', () => {
  it('affine reproduces a linear or log scale from two of its values', () => {
    const lin = affine((v) => 10 + 2 * v, [0, 100], false);
    expect(lin(50)).toBe(110);
    const log = affine((v) => 200 - 50 * Math.log10(v), [1e-3, 10], true);
    expect(log(1)).toBeCloseTo(200, 10);
    expect(log(100)).toBeCloseTo(100, 10);
    expect(log(0)).toBeUndefined();
  });

  it('paths break where a value cannot be drawn, and the band runs along hi and back along lo', () => {
    const id = (v: number) => (Number.isFinite(v) ? v : undefined);
    expect(linePath([p(0, 1), p(1, 2), p(2, NaN), p(3, 4)], id, id)).toBe('M0,1L1,2M3,4');
    expect(bandPath([p(0, 2, 1, 3), p(1, 2, 0, 4)], id, id)).toBe('M0,3L1,4L1,0L0,1Z');
    const svg = seriesSvg(
      [{ specId: 'a', color: '#123456', name: 'a', raw: [p(0, 1), p(1, 2)], smooth: [p(0, 1, 0, 2, 2), p(1, 2, 1, 3, 2)], companion: [] }],
      id,
      id,
    );
    expect(svg.match(/<path /g)).toHaveLength(3); // band, raw, smoothed
    expect(svg).not.toContain('<circle');
    expect(svg).not.toContain('stroke-dasharray');
    // An experiment from the history beside the current one: its smoothed curve dashed, in the export as on screen.
    const dashed = seriesSvg(
      [{ specId: 'ha', color: '#123456', name: 'ha', raw: [p(0, 1), p(1, 2)], smooth: [p(0, 1), p(1, 2)], companion: [], dashed: true }],
      id,
      id,
    );
    expect(dashed.match(/<path [^>]*stroke-dasharray="10 5"\/>/g)).toEqual([
      '<path d="M0,1L1,2" fill="none" stroke="#123456" stroke-width="2" stroke-dasharray="10 5"/>',
    ]);
  });

  it('a sparse metric gets a dot per drawable point, so a single evaluation shows', () => {
    const id = (v: number) => (Number.isFinite(v) ? v : undefined);
    const one: Drawn = { specId: 'a', color: '#123456', name: 'a', raw: [p(10, 0.9)], smooth: [p(10, 0.9)], companion: [], markers: true };
    expect(seriesSvg([one], id, id).match(/<circle [^>]*>/g)).toEqual(['<circle cx="10" cy="0.9" r="3" fill="#123456"/>']);
    const three: Drawn = { ...one, smooth: [p(10, 0.9), p(20, NaN), p(30, 0.95)] };
    expect(seriesSvg([three], id, id).match(/<circle /g)).toHaveLength(2);
  });

  it('nearest finds the closest point by x', () => {
    const pts = [p(0, 0), p(10, 1), p(20, 2)];
    expect(nearest(pts, 4)!.y).toBe(0);
    expect(nearest(pts, 16)!.y).toBe(2);
    expect(nearest(pts, 99)!.y).toBe(2);
    expect(nearest([], 1)).toBeNull();
  });

  it('axis ends: x to a round number, log y to whole decades, outliers ignored on request', () => {
    expect([niceCeil(3000), niceCeil(3001), niceCeil(0.07), niceCeil(950)]).toEqual([3000, 4000, 0.08, 1000]);
    const d: Drawn = {
      specId: 'a',
      color: 'red',
      name: 'a',
      raw: [p(0, 0.5), p(2900, 30)],
      smooth: [p(0, 0.5, 0.2, 0.9), p(2900, 3)],
      companion: [],
    };
    expect(domains([d], true, false, false)).toEqual([
      [0, 3000],
      [0.1, 100],
    ]);
    const many: Drawn = { ...d, raw: Array.from({ length: 200 }, (_, i) => p(i + 1, i === 100 ? 1e9 : 1 + (i % 5))), smooth: [] };
    expect(domains([many], false, true, true)).toEqual([
      [1, 200],
      [0, 5],
    ]);
  });
});
