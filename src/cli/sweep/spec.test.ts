import { describe, expect, it } from 'vitest';
import { axisValues, canonicalJson, expandSweep, parseSweepSpec, runKey, SweepSpecError } from './spec';
import { BadRunError, checkSweepRun } from './job';

const good = {
  kind: 'l4-lab-sweep',
  v: 1,
  name: 'fig2-baselines',
  tasks: [{ task: 'regression', settings: { kappa: 1e10 }, steps: 3000 }],
  optimizers: [
    { optimizer: 'adam', options: { epsilonForm: 'tensorflow' }, grid: { learningRate: { log: [1e-4, 1e-2, 3] } } },
    { optimizer: 'l4adam', grid: { alpha: [0.1, 0.15] } },
    { optimizer: 'prodigy' },
  ],
  seeds: { first: 1, count: 2 },
  backend: 'wasm',
};

const problems = (raw: unknown): string[] => {
  try {
    parseSweepSpec(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(SweepSpecError);
    return [...(e as SweepSpecError).problems];
  }
  return [];
};

describe('sweep specs', () => {
  it('expand to tasks × grid points × seeds, in grid order, with the task’s defaults filled in', () => {
    const runs = expandSweep(parseSweepSpec(good));
    expect(runs).toHaveLength(1 * (3 + 2 + 1) * 2);
    expect(runs.map((r) => `${r.specId}/${r.seed}`)).toEqual([
      'adam-learningRate=0.0001/1',
      'adam-learningRate=0.0001/2',
      'adam-learningRate=0.001/1',
      'adam-learningRate=0.001/2',
      'adam-learningRate=0.01/1',
      'adam-learningRate=0.01/2',
      'l4adam-alpha=0.1/1',
      'l4adam-alpha=0.1/2',
      'l4adam-alpha=0.15/1',
      'l4adam-alpha=0.15/2',
      'prodigy/1',
      'prodigy/2',
    ]);
    expect(runs[0]).toMatchObject({
      task: 'regression',
      optimizer: 'adam',
      optimizerOptions: { epsilonForm: 'tensorflow', learningRate: 0.0001 },
      budget: { steps: 3000 },
      backend: 'wasm',
    });
    // The task's other settings take their defaults, so a spec that spells them out gives the same runs.
    expect(runs[0]!.taskSettings.kappa).toBe(1e10);
    expect(Object.keys(runs[0]!.taskSettings).length).toBeGreaterThan(1);
    expect(axisValues({ linear: [0, 1, 5] })).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('run keys: one per run, the same in any sweep and any key order, different when anything that matters differs', () => {
    const runs = expandSweep(parseSweepSpec(good));
    expect(new Set(runs.map((r) => r.runKey)).size).toBe(runs.length);
    for (const r of runs) expect(r.runKey).toMatch(/^[0-9a-f]{16}$/);
    const renamed = expandSweep(parseSweepSpec({ ...good, name: 'other' }));
    expect(renamed.map((r) => r.runKey)).toEqual(runs.map((r) => r.runKey));
    const { runKey: key, specId: _s, ...run } = runs[0]!;
    expect(runKey(run, '')).toBe(key);
    expect(runKey({ ...run, taskSettings: Object.fromEntries(Object.entries(run.taskSettings).reverse()) }, '')).toBe(key);
    for (const changed of [
      { ...run, seed: 9 },
      { ...run, budget: { steps: 3001 } },
      { ...run, backend: 'cpu' as const },
      { ...run, optimizerOptions: { ...run.optimizerOptions, learningRate: 0.00011 } },
      { ...run, taskSettings: { ...run.taskSettings, kappa: 1e9 } },
    ])
      expect(runKey(changed, '')).not.toBe(key);
    // The data's fingerprint is part of it.
    expect(runKey(run, 'sha256:abc')).not.toBe(key);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  it('a bad spec is refused before anything runs, every problem a sentence', () => {
    expect(problems([1])).toEqual(['A sweep spec is a JSON object.']);
    const p = problems({
      kind: 'sweep',
      v: 2,
      name: 'has:colon',
      tasks: [{ task: 'regresion' }, { task: 'regression', settings: { kappa: -1 }, steps: 2.5, epochs: 1 }],
      optimizers: [
        { optimizer: 'adamw' },
        { optimizer: 'adam', grid: { betta1: [0.9] } },
        { optimizer: 'adam', grid: { learningRate: { log: [0, 1, 3] } } },
        { optimizer: 'sgd', grid: { learningRate: [0.1, -1] } },
      ],
      seeds: { first: 1, count: 0 },
      backend: 'webgpu',
    });
    expect(p).toEqual([
      '"kind" must be "l4-lab-sweep", got "sweep".',
      'This lab reads sweep specs of version 1, got 2.',
      '"name" must be 1–40 letters, digits, "_", "." or "-", got "has:colon".',
      expect.stringMatching(/^Task 1: Unknown task "regresion"\. Known: .*regression/),
      'Task 2: The task regression: condition number (κ) must be in [1, ∞), got -1.',
      'Task 2: give "steps" or "epochs", not both.',
      'Task 2: "steps" must be a whole number in [1, 1000000], got 2.5.',
      expect.stringMatching(/^Optimizer 1: Unknown optimizer "adamw"\./),
      expect.stringMatching(/^Optimizer 2 \(Adam\): "betta1" is not a numeric setting; its numeric settings are .*beta1/),
      'Optimizer 3 (Adam), grid "learningRate": a log axis needs lo > 0, got 0.',
      expect.stringMatching(/^Optimizer 4: .*-1/),
      '"seeds" must be {"first": a whole number, "count": 1 to 100}, got {"first":1,"count":0}.',
      '"backend" must be "wasm" or "cpu" (the backends of Node), got "webgpu".',
    ]);
    expect(
      problems({
        ...good,
        seeds: { first: 1, count: 100 },
        optimizers: [{ optimizer: 'adam', grid: { learningRate: { log: [1e-5, 1, 100] }, beta1: { linear: [0.5, 0.9, 2] } } }],
      }),
    ).toEqual(['The sweep has 20000 runs; at most 10000 are allowed. Split it, or use fewer points or seeds.']);
  });
});

describe('checkSweepRun (a queued job is untrusted input)', () => {
  const spec = parseSweepSpec({
    kind: 'l4-lab-sweep',
    v: 1,
    name: 'x',
    tasks: [{ task: 'regression', steps: 10 }],
    optimizers: [{ optimizer: 'adam', grid: { learningRate: [1e-3, 1e-2] } }],
    seeds: { first: 3, count: 1 },
  });
  const [run] = expandSweep(spec);

  it('accepts exactly the runs a sweep expands to, and refuses a changed run under the old key', () => {
    expect(checkSweepRun(JSON.parse(JSON.stringify(run)))).toEqual(run);
    expect(() => checkSweepRun({ ...run, seed: 4 })).toThrow(`The run key "${run!.runKey}" is not this run's key`);
    expect(() => checkSweepRun({ ...run, optimizerOptions: { learningRate: -1 } })).toThrow(BadRunError);
    expect(() => checkSweepRun({ ...run, budget: { steps: 1e9 } })).toThrow(/"steps" must be a whole number in \[1, 1000000\]/);
    expect(() => checkSweepRun('run')).toThrow('A run is a JSON object.');
  });
});
