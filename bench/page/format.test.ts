import { describe, expect, it } from 'vitest';
import { formatRow, medianInterval, tableHeader, type PairResult } from './format';

describe('medianInterval', () => {
  it('is the order statistics the binomial tables give', () => {
    const xs = Array.from({ length: 20 }, (_, i) => 20 - i); // 20 … 1, unsorted on purpose
    // n = 20: P(B ≤ 5) = 0.0207 ≤ 0.025 < P(B ≤ 6) = 0.0577, so k = 6: the 6th smallest and the 6th largest.
    expect(medianInterval(xs)).toEqual([6, 15]);
    // n = 6: P(B = 0) = 1/64 ≤ 0.025: the extremes. n = 5: 1/32 > 0.025, no 95 % interval.
    expect(medianInterval([3, 1, 2, 6, 5, 4])).toEqual([1, 6]);
    expect(medianInterval([1, 2, 3, 4, 5])).toBeNull();
    // n = 100: k = 40 (P(B ≤ 39) = 0.0176, P(B ≤ 40) = 0.0284), at 90 %: k = 42 (P(B ≤ 41) = 0.0443).
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(medianInterval(hundred)).toEqual([40, 61]);
    expect(medianInterval(hundred, 0.9)).toEqual([42, 59]);
  });

  it('stays finite where 2^-n underflows', () => {
    const xs = Array.from({ length: 2000 }, (_, i) => i);
    const [lo, hi] = medianInterval(xs)!;
    // The normal approximation: n/2 ∓ 1.96·√n/2 ≈ 1000 ∓ 43.8.
    expect(lo).toBeGreaterThanOrEqual(954);
    expect(lo).toBeLessThanOrEqual(957);
    expect(hi).toBe(1999 - lo);
  });
});

describe('formatRow', () => {
  const r: PairResult = {
    a: 'Adam',
    b: 'L4Adam',
    msA: 10,
    msB: 10.5,
    ratio: 1.05,
    range: [0.9, 1.2],
    ratios: [0.9, 1, 1.02, 1.05, 1.06, 1.1, 1.2],
    firstA: 12.4,
    firstB: 13,
  };
  it('puts the interval beside the median, under the header’s columns', () => {
    const row = formatRow('wasm', r);
    expect(row).toBe('| MNIST MLP | wasm | Adam | 10.00 | L4Adam | 10.50 | **1.050** | 0.900–1.200 | 0.90–1.20 |');
    expect(row.split('|').length).toBe(tableHeader().split('\n')[0]!.split('|').length);
    expect(formatRow('webgl', { ...r, ratios: undefined }, true, 1).split('|').length).toBe(
      tableHeader(true).split('\n')[1]!.split('|').length,
    );
    expect(formatRow('webgl', { ...r, ratios: r.ratios!.slice(0, 5) })).toContain('| **1.050** | — |');
  });
});
