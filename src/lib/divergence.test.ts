import { describe, expect, it } from 'vitest';
import { divergedGroups, isDiverged, smoothLog, type RunLoss } from './divergence';

/** A run of n rows whose loss at row k is f(k). */
const run = (f: (k: number) => number, status = 'done', n = 50): RunLoss => ({
  status,
  step: Float64Array.from({ length: n }, (_, k) => k),
  loss: Float64Array.from({ length: n }, (_, k) => f(k)),
});

describe('when a run diverged, and its smoothed loss', () => {
  it('smooths log-loss over a trailing window; a skipped step (a non-finite loss) is a gap, not the end', () => {
    const s = smoothLog([Math.E, Math.E ** 3, Math.E ** 5, NaN, 1, Infinity, Infinity, Math.E ** 2], 2);
    // Window 2: (1 + 3)/2, (3 + 5)/2; then 5 alone (the NaN row is left out), 0 alone, 0, no usable row, 2 alone.
    expect(Array.from(s)).toEqual([1, 2, 4, 5, 0, 0, NaN, 2]);
  });

  it('the reports list diverged runs one row per task, config and reason, with its seeds, in the order they came', () => {
    const why = 'stopped by the engine';
    const groups = divergedGroups([
      { task: 'r', config: 'sgd-lr=1', seed: 1, reason: why },
      { task: 'r', config: 'sgd-lr=1', seed: 2, reason: 'the loss was NaN at step 3' },
      { task: 'r', config: 'sgd-lr=1', seed: 3, reason: why },
      { task: 'q', config: 'sgd-lr=1', seed: 1, reason: why },
      { task: 'r', config: 'sgd-lr=0.1', seed: 2 },
      { task: 'r', config: 'sgd-lr=0.1', seed: 3 },
    ]);
    expect(groups).toEqual([
      { task: 'r', config: 'sgd-lr=1', seeds: [1, 3], reason: why },
      { task: 'r', config: 'sgd-lr=1', seeds: [2], reason: 'the loss was NaN at step 3' },
      { task: 'q', config: 'sgd-lr=1', seeds: [1], reason: why },
      // A report written before the reasons were kept: grouped all the same.
      { task: 'r', config: 'sgd-lr=0.1', seeds: [2, 3] },
    ]);
    expect(divergedGroups([])).toEqual([]);
  });

  it('a run whose loss ends 100× above its first counts as diverged, as one the engine stopped', () => {
    const blowup = run((k) => 1.2 ** k);
    expect(isDiverged(blowup)).toBe(true);
    expect(isDiverged(run((k) => 1 + k))).toBe(false);
  });
});
