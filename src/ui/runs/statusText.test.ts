import { describe, expect, it } from 'vitest';
import { blankRun } from '../../state/runs';
import { statusText } from './RunTable';

const run = (patch: object) => ({
  ...blankRun('a.1', 'a', 1, { task: 'regression', taskSettings: {}, optimizer: 'sgd', optimizerOptions: {}, seed: 1, steps: 10 }),
  ...patch,
});

describe('a run’s status in words', () => {
  it('a finished run whose loss blew up (finite, over 100× its first) says it diverged, not "done"', () => {
    expect(statusText(run({ status: 'done', firstLoss: 2, last: { loss: 5e8 } }))).toBe(
      'diverged: its last loss 5.000e+8 is over 100× its first',
    );
    expect(statusText(run({ status: 'done', firstLoss: 2, last: { loss: 150 } }))).toBe('done');
  });
  it('a finished run whose last loss is not finite says it diverged, as the summary counts it', () => {
    expect(statusText(run({ status: 'done', firstLoss: 2, last: { loss: NaN } }))).toBe('diverged: it ended on a loss of NaN');
    expect(statusText(run({ status: 'running', firstLoss: 2, last: { loss: Infinity } }))).toBe('running');
  });
  it('a run the engine stopped says at which step', () => {
    expect(statusText(run({ status: 'diverged', divergedAt: 12 }))).toBe('diverged at step 12');
  });
});
