import { describe, expect, it } from 'vitest';
import { divergedWhy } from './divergence';
import { algoperfScore, analyzeBenchmark, performanceProfile, type BenchRun } from './perfProfile';

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
    expect(r.divergedRuns).toEqual([{ task: 't2', config: 'l4', seed: 2, reason: 'stopped by the engine' }]);
    // Adam: 200/102 = 1.96 × the fastest on t1, the fastest on t2. L4: the fastest on t1, unsolved on t2.
    const at = (tau: number) => r.profileSteps.taus.indexOf(tau);
    expect(r.profileSteps.rho.adam![at(1)]).toBe(0.5);
    expect(r.profileSteps.rho.adam![at(1.5)]).toBe(0.5);
    expect(r.profileSteps.rho.adam![at(2)]).toBe(1);
    expect(r.profileSteps.rho.l4!.every((x) => x === 0.5)).toBe(true);
  });

  it('a run that skipped a bad batch and went on is not diverged; one whose last loss is not finite is', () => {
    const recovered = run('t', 'adam', 'adam', 1, (k) => (k === 10 ? NaN : k === 20 ? Infinity : Math.exp(-k / 10)), 'done', 50);
    expect(divergedWhy(recovered)).toBeNull();
    const ended = run('t', 'adam', 'adam', 1, (k) => (k === 49 ? NaN : 1), 'done', 50);
    expect(divergedWhy(ended)).toBe('its last loss, at step 49, was NaN');
    // The blow-up reads the finite losses: a first skipped step does not hide it.
    expect(divergedWhy(run('t', 'sgd', 'sgd', 1, (k) => (k === 0 ? NaN : 1.2 ** k), 'done', 50))).toMatch(/× its first$/);
    // A skipped step leaves the run's curve and its time to the target: it reaches e^(−2) by steps as without it.
    const clean = run('t', 'adam', 'adam', 2, (k) => Math.exp(-k / 10), 'done', 50);
    const r = analyzeBenchmark([
      { ...recovered, seed: 1 },
      { ...clean, seed: 2 },
    ]);
    expect(r.divergedRuns).toEqual([]);
    expect(r.tasks[0]!.entries[0]!.diverged).toBe(0);
    expect(r.tasks[0]!.entries[0]!.stepsToTarget).toBe(50);
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

  // Two tasks: a 100 and 300 steps, b 200 and 100, c never and 450. Against the fastest: a's ratios 1 and 3, b's 2
  // and 1, c's ∞ and 4.5 (> 4: never). The scores are numpy's, from the official formula (np.linspace(1, 4, 100),
  // ρ(τ) = share of tasks with r ≤ τ, np.trapezoid(ρ, τ) / 3), computed on the ratios above.
  const costs = [
    { a: 100, b: 200, c: null },
    { a: 300, b: 100, c: 450 },
  ];
  it("computes AlgoPerf's score: ratios to the fastest, r > 4 never, ρ on 100 points of [1, 4], its integral ÷ 3", () => {
    const s = algoperfScore(costs, ['a', 'b', 'c']);
    expect(s.taus).toHaveLength(100);
    expect(s.taus[0]).toBe(1);
    expect(s.taus[99]).toBeCloseTo(4, 14);
    expect(s.score.a).toBeCloseTo(0.6691919191919192, 14);
    expect(s.score.b).toBeCloseTo(0.835858585858586, 14);
    expect(s.score.c).toBe(0);
    expect(s.rho.a![0]).toBe(0.5);
    expect(s.rho.a![99]).toBe(1);
  });

  it("with a fixed reference, adding an entry moves no other entry's score; a task the reference misses counts for whoever solved it", () => {
    const byB = algoperfScore(costs, ['a', 'b', 'c'], 'b');
    // a: 0.5 (within every τ) and 3; the same score as against the fastest here.
    expect(byB.score.a).toBeCloseTo(0.6691919191919192, 14);
    expect(byB.score.b).toBe(1);
    const faster = algoperfScore(
      costs.map((t) => ({ ...t, d: 10 })),
      ['a', 'b', 'c', 'd'],
      'b',
    );
    expect(faster.score.a).toBe(byB.score.a);
    expect(faster.score.b).toBe(1);
    // Against the fastest, the new entry moves everyone else.
    expect(
      algoperfScore(
        costs.map((t) => ({ ...t, d: 10 })),
        ['a', 'b', 'c', 'd'],
      ).score.b,
    ).toBe(0);
    // c missed task 1: a and b solved it (r = 0); on task 2 they beat c (r < 1): both score 1, c itself 0.5.
    const byC = algoperfScore(costs, ['a', 'b', 'c'], 'c');
    expect(byC.score).toEqual({ a: 1, b: 1, c: 0.5 });
    expect(() => algoperfScore(costs, ['a', 'b'], 'adam')).toThrow(/reference "adam" is not among the benchmark's optimizers \(a, b\)/);
  });

  it('a task with a fixed target (AlgoPerf): reached at the first evaluation whose seed mean is past it; the tuned entry counts its fastest config', () => {
    const target = { above: 0.97, label: 'test accuracy above 0.97' };
    // Evaluations every 100 steps; accuracy per seed and step.
    const withEvals = (entry: string, config: string, seed: number, acc: number[], status = 'done'): BenchRun => ({
      ...run('m', entry, config, seed, () => 1, status, 400),
      target,
      evals: acc.map((value, i) => ({ step: 100 * (i + 1), value })),
    });
    const runs = [
      // Adam at 1e-3: the seeds' mean is 0.965 at 200 and 0.9725 at 300 → 300 steps. At 1e-2: 0.975 at 200 → 200.
      withEvals('adam', 'adam-lr=0.001', 1, [0.9, 0.96, 0.975, 0.98]),
      withEvals('adam', 'adam-lr=0.001', 2, [0.9, 0.97, 0.97, 0.98]),
      withEvals('adam', 'adam-lr=0.01', 1, [0.95, 0.98, 0.98, 0.98]),
      withEvals('adam', 'adam-lr=0.01', 2, [0.95, 0.97, 0.98, 0.98]),
      // L4: one seed reaches 0.97 but the mean stays at it, never above (> is strict, as AlgoPerf's).
      withEvals('l4', 'l4', 1, [0.9, 0.96, 0.97, 0.98]),
      withEvals('l4', 'l4', 2, [0.9, 0.96, 0.97, 0.96]),
      // SGD diverged on one seed: nothing, whatever its accuracy.
      withEvals('sgd', 'sgd', 1, [0.99, 0.99, 0.99, 0.99]),
      withEvals('sgd', 'sgd', 2, [0.99, 0.99, 0.99, 0.99], 'diverged'),
    ];
    const [t] = analyzeBenchmark(runs).tasks;
    expect(t).toMatchObject({ task: 'm', target: 0.97, targetBy: null, fixedTarget: 'test accuracy above 0.97' });
    const e = (n: string) => t!.entries.find((x) => x.entry === n)!;
    // 200 steps; the wall time of row 199 is 2 s (10 ms a row).
    expect(e('adam')).toMatchObject({ config: 'adam-lr=0.01', stepsToTarget: 200, secondsToTarget: 2, finalValue: 0.98 });
    expect(e('l4')).toMatchObject({ stepsToTarget: null, secondsToTarget: null, finalValue: 0.97 });
    expect(e('sgd')).toMatchObject({ stepsToTarget: null, diverged: 1, finalValue: null });
  });
});
