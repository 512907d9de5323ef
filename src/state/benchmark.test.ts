import { describe, expect, it } from 'vitest';
import { readBenchmarkReport } from './benchmark';

const report = {
  kind: 'l4-lab-benchmark',
  v: 1,
  spec: {},
  result: {
    tasks: [
      {
        task: 'regression',
        target: 0.5,
        targetBy: 'adam-learningRate=0.01',
        entries: [
          {
            entry: 'adam',
            tuned: true,
            config: 'adam-learningRate=0.01',
            seeds: 3,
            diverged: 0,
            stepsToTarget: 100,
            secondsToTarget: 1.5,
            finalLoss: 0.5,
            bestLoss: 0.5,
          },
          {
            entry: 'l4adam',
            tuned: false,
            config: 'l4adam',
            seeds: 3,
            diverged: 1,
            stepsToTarget: null,
            secondsToTarget: null,
            finalLoss: null,
            bestLoss: null,
          },
        ],
      },
    ],
    profileSteps: { taus: [1, 2], rho: { adam: [1, 1], l4adam: [0, 0] } },
    profileSeconds: { taus: [1, 2], rho: { adam: [1, 1], l4adam: [0, 0] } },
    divergedRuns: [
      { task: 'regression', config: 'l4adam', seed: 2, reason: 'stopped: the loss was NaN at step 7' },
      { task: 'regression', config: 'adam', seed: 1 },
    ],
  },
};

describe('readBenchmarkReport', () => {
  it('reads what lab benchmark writes', () => {
    const r = readBenchmarkReport(JSON.stringify(report));
    expect(r.tasks[0]!.entries.map((e) => e.stepsToTarget)).toEqual([100, null]);
    expect(r.profileSteps.rho.adam).toEqual([1, 1]);
    // A report written before the reasons were kept lists its runs without one.
    expect(r.divergedRuns).toEqual([
      { task: 'regression', config: 'l4adam', seed: 2, reason: 'stopped: the loss was NaN at step 7' },
      { task: 'regression', config: 'adam', seed: 1 },
    ]);
  });

  it('refuses anything else with a sentence', () => {
    expect(() => readBenchmarkReport('{')).toThrow(/This is not a valid benchmark report: it is not JSON/);
    expect(() => readBenchmarkReport(JSON.stringify({ ...report, kind: 'x' }))).toThrow('its "kind" is not "l4-lab-benchmark".');
    const bad = structuredClone(report);
    bad.result.profileSteps.rho.adam = [1];
    expect(() => readBenchmarkReport(JSON.stringify(bad))).toThrow('its steps profile of "adam" must hold 2 fractions in [0, 1].');
    const worse = structuredClone(report);
    (worse.result.tasks[0]!.entries[0] as Record<string, unknown>).stepsToTarget = 'soon';
    expect(() => readBenchmarkReport(JSON.stringify(worse))).toThrow(
      'task 1 (regression), entry 1: "stepsToTarget" must be a number or null.',
    );
  });
});
