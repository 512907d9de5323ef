import { describe, expect, it } from 'vitest';
import { largestCluster } from './pixelClusters';

describe('largestCluster', () => {
  it('counts the largest group of pixels that touch, diagonals included', () => {
    const w = 6;
    const h = 4;
    const mask = new Uint8Array(w * h);
    for (const [x, y] of [
      [0, 0],
      [1, 1],
      [2, 2], // a diagonal of 3
      [5, 0], // alone
      [4, 3],
      [5, 3], // a pair
    ])
      mask[y! * w + x!] = 1;
    expect(largestCluster(mask, w, h)).toBe(3);
    expect(largestCluster(new Uint8Array(w * h), w, h)).toBe(0);
    // Pixels at the ends of two rows do not touch across the wrap.
    const wrap = new Uint8Array(w * h);
    wrap[w - 1] = 1;
    wrap[w] = 1;
    expect(largestCluster(wrap, w, h)).toBe(1);
  });
});
