import { describe, expect, it } from 'vitest';
import { bestAccuracy, collapsed } from './reproducePeers';
import type { RunResult } from './train';

const run = (evals: { testAccuracy?: number; raw?: { testAccuracy?: number } }[]) => ({ evals }) as unknown as RunResult;

describe('reproduce peers: a seed that collapsed to one class', () => {
  it('is one whose best test accuracy at the trained parameters stays under 20 %', () => {
    expect(collapsed(run([{ testAccuracy: 0.1135 }]))).toBe(true);
    expect(collapsed(run([{ testAccuracy: 0.1135 }, { testAccuracy: 0.9 }]))).toBe(false);
    // Judged at the iterate: a good average does not hide a collapsed iterate.
    expect(collapsed(run([{ testAccuracy: 0.95, raw: { testAccuracy: 0.098 } }]))).toBe(true);
    // No evaluation (a diverged run): counted as collapsed, not as fine.
    expect(collapsed(run([]))).toBe(true);
    expect(bestAccuracy(run([{ testAccuracy: 0.5 }, { testAccuracy: 0.7 }]))).toEqual({ at: 0.7, raw: 0.7 });
  });
});
