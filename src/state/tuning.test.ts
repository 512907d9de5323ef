import { describe, expect, it } from 'vitest';
import { logGrid, summarize } from './tuning';

describe('tuning', () => {
  it('log grid spans the range evenly in log space', () => {
    expect(logGrid(1e-4, 1, 5)).toEqual([1e-4, 1e-3, 1e-2, 0.1, 1]);
    expect(logGrid(0.01, 0.01, 1)).toEqual([0.01]);
  });
  it('scores a rate by the log-mean of its seeds, and a diverged seed makes it ∞', () => {
    const s = summarize([
      { lr: 0.1, seed: 1, status: 'done', final: 1 },
      { lr: 0.1, seed: 2, status: 'done', final: 100 },
      { lr: 1, seed: 1, status: 'diverged', final: Infinity },
      { lr: 1, seed: 2, status: 'done', final: 1e-3 },
      { lr: 0.01, seed: 1, status: 'running', final: null },
    ]);
    expect(s).toEqual([
      { lr: 0.1, score: expect.closeTo(10, 10) },
      { lr: 1, score: Infinity },
    ]);
  });
});
