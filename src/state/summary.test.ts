import { describe, expect, it } from 'vitest';
import { blankRun, type RunMeta } from './runs';
import { defaultTarget, finalLoss, stepToTarget, summarizeSpecs, type LossTrace } from './summary';

const config = { task: 'regression', taskSettings: {}, optimizer: 'adam', optimizerOptions: {}, seed: 1, steps: 100 };
const run = (id: string, patch: Partial<RunMeta>): RunMeta => ({ ...blankRun(id, id.split('.')[0]!, 1, config), status: 'done', ...patch });
const trace = (loss: number[]): LossTrace => ({ length: loss.length, columns: { step: loss.map((_, i) => i), loss } });

describe('the summary of a comparison', () => {
  it('per spec: log-space means with ranges, test accuracy mean ± sd, steps to a target, the diverged seeds apart', () => {
    const traces: Record<string, LossTrace> = {
      'a.1': trace([4, 2, 1, 0.5]),
      'a.2': trace([4, 3, 2, 2]),
      'b.1': trace([4, 4, 4, 4]),
      'b.2': trace([4, 40, 400, 4000]),
    };
    const runs = {
      a: [
        run('a.1', { bestLoss: 0.5, testAccuracy: 0.9, stepsPerSecond: 100, last: { loss: 0.5 }, firstLoss: 4 }),
        run('a.2', { bestLoss: 2, testAccuracy: 0.8, stepsPerSecond: 50, last: { loss: 2 }, firstLoss: 4 }),
      ],
      b: [
        run('b.1', { bestLoss: 4, last: { loss: 4 }, firstLoss: 4 }),
        // Finished, but its loss is 1000× its first: diverged.
        run('b.2', { bestLoss: 4, last: { loss: 4000 }, firstLoss: 4 }),
      ],
    };
    const groups = [
      { specId: 'a', runs: runs.a },
      { specId: 'b', runs: runs.b },
    ];
    const [a, b] = summarizeSpecs(groups, (id) => traces[id] ?? null, 2);
    // Runs of 4 rows: the smoothing window is one row, so the final loss is the last loss.
    expect(a!.finalLoss).toEqual({ mean: expect.closeTo(1, 12), min: expect.closeTo(0.5, 12), max: expect.closeTo(2, 12) });
    expect(a!.bestLoss).toEqual({ mean: expect.closeTo(1, 12), min: 0.5, max: 2 });
    expect(a!.testAccuracy!.mean).toBeCloseTo(0.85, 12);
    expect(a!.testAccuracy!.sd).toBeCloseTo(Math.SQRT1_2 * 0.1, 12);
    expect(a!.stepsToTarget).toEqual({ mean: 1.5, reached: 2 });
    expect(a!.msPerStep).toBeCloseTo(15, 12);
    expect(b!.diverged).toBe(1);
    expect(b!.finalLoss).toEqual({ mean: expect.closeTo(4, 12), min: expect.closeTo(4, 12), max: expect.closeTo(4, 12) });
    expect(b!.stepsToTarget).toEqual({ mean: null, reached: 0 });
    expect(b!.testAccuracy).toBeNull();
    // The default target: the best baseline's final loss; without baselines, the best of all.
    expect(defaultTarget([a!, b!], (id) => id === 'b')).toBeCloseTo(4, 12);
    expect(defaultTarget([a!, b!], () => false)).toBeCloseTo(1, 12);
  });
  it('the final loss is a trailing log-mean over 1/50 of the run; a target is reached when that mean gets to it', () => {
    const loss = Array.from({ length: 100 }, (_, i) => (i < 98 ? 1 : 4));
    // Window 2: the last two rows, 4 and 4.
    expect(finalLoss(trace(loss))).toBeCloseTo(4, 12);
    expect(stepToTarget(trace([8, 2, 0.5, 0.5]), 1)).toBe(2);
    expect(stepToTarget(trace([8, 2]), 1)).toBeNull();
  });
  it('a skipped step (a non-finite loss) is a gap: the run keeps its final loss and its time to a target', () => {
    const loss = Array.from({ length: 100 }, (_, i) => (i === 50 ? NaN : i === 51 ? Infinity : 2 ** (-i / 10)));
    expect(finalLoss(trace(loss))).toBeCloseTo(2 ** (-98.5 / 10), 12);
    expect(stepToTarget(trace(loss), 2 ** -6)).toBe(61);
    expect(
      summarizeSpecs([{ specId: 'a', runs: [run('a.1', { last: { loss: loss[99]! }, firstLoss: 1 })] }], () => trace(loss), null)[0]!
        .diverged,
    ).toBe(0);
    // A run that finished on a non-finite loss (a streak of skips too short to stop it) counts as diverged, as the
    // benchmark counts it.
    const ended = [...loss.slice(0, 99), NaN];
    expect(
      summarizeSpecs([{ specId: 'a', runs: [run('a.1', { last: { loss: NaN }, firstLoss: 1 })] }], () => trace(ended), null)[0]!.diverged,
    ).toBe(1);
  });
});
