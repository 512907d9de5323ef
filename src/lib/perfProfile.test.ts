import { describe, expect, it } from 'vitest';
import { analyzeBenchmark, isDiverged, performanceProfile, smoothLog, type BenchRun } from './perfProfile';

const run = (task: string, entry: string, config: string, seed: number, f: (k: number) => number, status = 'done', n = 200): BenchRun => ({
  task,
  entry,
  tuned: entry === 'adam',
  config,
  seed,
  status,
  step: Float64Array.from({ length: n }, (_, k) => k),
  loss: Float64Array.from({ length: n }, (_, k) => f(k)),
  wallMs: Float64Array.from({ length: n }, (_, k) => 10 * (k + 1)),
});

describe('the benchmark analysis', () => {
  it('smooths log-loss over a trailing window and stops at the first non-finite loss', () => {
    const s = smoothLog([Math.E, Math.E ** 3, Math.E ** 5, NaN, 1], 2);
    expect(Array.from(s.slice(0, 3))).toEqual([1, 2, 4]);
    expect(Number.isNaN(s[3]!) && Number.isNaN(s[4]!)).toBe(true);
  });

  it('sets the target by the best tuned baseline, times every optimizer to it, and draws the Dolan–Moré profile', () => {
    const runs: BenchRun[] = [];
    for (const seed of [1, 2]) {
      // Task 1: Adam's better rate decays as e^(−k/100), its worse one never gets there; L4 decays twice as fast.
      runs.push(run('t1', 'adam', 'adam-lr=0.01', seed, (k) => Math.exp(-k / 100)));
      runs.push(run('t1', 'adam', 'adam-lr=0.001', seed, (k) => Math.exp(-k / 400)));
      runs.push(run('t1', 'l4', 'l4', seed, (k) => Math.exp(-k / 50)));
      // Task 2: L4 diverges on one seed, so it solves nothing there.
      runs.push(run('t2', 'adam', 'adam-lr=0.01', seed, (k) => Math.exp(-k / 100)));
      runs.push(run('t2', 'adam', 'adam-lr=0.001', seed, (k) => Math.exp(-k / 400)));
      runs.push(run('t2', 'l4', 'l4', seed, (k) => Math.exp(-k / 50), seed === 2 ? 'diverged' : 'done'));
    }
    const r = analyzeBenchmark(runs);
    const [t1, t2] = r.tasks;
    // Window 4: the smoothed log-loss of e^(−k/100) is −(k − 1.5)/100 from k = 3; its lowest, at k = 199, is the target.
    expect(t1!.targetBy).toBe('adam-lr=0.01');
    expect(Math.log(t1!.target!)).toBeCloseTo(-1.975, 12);
    const adam = t1!.entries.find((e) => e.entry === 'adam')!;
    const l4 = t1!.entries.find((e) => e.entry === 'l4')!;
    expect(adam).toMatchObject({ config: 'adam-lr=0.01', stepsToTarget: 200, secondsToTarget: 2, diverged: 0, seeds: 2 });
    // −(k − 1.5)/50 ≤ −1.975 first at k = 101: 102 steps, 1.02 s.
    expect(l4).toMatchObject({ stepsToTarget: 102, secondsToTarget: 1.02 });
    expect(l4.bestLoss).toBeCloseTo(Math.exp(-197.5 / 50), 12);
    expect(t2!.entries.find((e) => e.entry === 'l4')).toMatchObject({ stepsToTarget: null, diverged: 1, finalLoss: null });
    expect(r.divergedRuns).toEqual([{ task: 't2', config: 'l4', seed: 2 }]);
    // Adam: 200/102 = 1.96 × the fastest on t1, the fastest on t2. L4: the fastest on t1, unsolved on t2.
    const at = (tau: number) => r.profileSteps.taus.indexOf(tau);
    expect(r.profileSteps.rho.adam![at(1)]).toBe(0.5);
    expect(r.profileSteps.rho.adam![at(1.5)]).toBe(0.5);
    expect(r.profileSteps.rho.adam![at(2)]).toBe(1);
    expect(r.profileSteps.rho.l4!.every((x) => x === 0.5)).toBe(true);
  });

  it('a run whose loss ends 100× above its first counts as diverged, as one the engine stopped', () => {
    const blowup = run('t', 'sgd', 'sgd', 1, (k) => 1.2 ** k, 'done', 50);
    expect(isDiverged(blowup)).toBe(true);
    expect(isDiverged(run('t', 'sgd', 'sgd', 1, (k) => 1 + k, 'done', 50))).toBe(false);
  });

  it('a task nobody solves counts against everyone', () => {
    const p = performanceProfile(
      [
        { a: 10, b: 20 },
        { a: null, b: null },
      ],
      ['a', 'b'],
      [1, 2],
    );
    expect(p.rho).toEqual({ a: [0.5, 0.5], b: [0, 0.5] });
  });
});
