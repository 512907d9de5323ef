import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkSpec } from './benchmark';
import { expandSweep } from './sweep/spec';
import { lab } from '../testing/cli';

describe('npm run lab -- benchmark', () => {
  it('ships a spec over every task without user data, peers at defaults and tuned baselines', () => {
    const spec = benchmarkSpec({ fashion: false });
    expect(spec.tasks.map((t) => (t.settings?.fn ? `${t.task}/${t.settings.fn}` : t.task))).toEqual([
      'regression',
      'functions-2d/rosenbrock',
      'functions-2d/beale',
      'functions-2d/quadratic',
      'functions-2d/rastrigin',
      'mnist-mlp',
      'algoperf-mnist',
      'repeat-copy',
    ]);
    expect(spec.optimizers.filter((o) => !o.grid).map((o) => o.optimizer)).toEqual([
      'l4adam',
      'l4mom',
      'prodigy',
      'dadapt-adam',
      'dog',
      'sf-adamw',
      'momo',
      'momo-adam',
      'sf-plus',
      'muon',
      'ademamix',
      'lion',
      'l4muon',
      'c-adam',
    ]);
    expect(spec.optimizers.filter((o) => o.grid).map((o) => o.optimizer)).toEqual(['adam', 'momentum', 'sgd']);
    expect(expandSweep(spec)).toHaveLength(8 * (14 + 4 + 5 + 5) * 3);
    expect(benchmarkSpec({ fashion: true, seeds: 2 }).tasks.at(-1)!.task).toBe('fashion-convnet');
  });

  it('runs a spec, then writes the targets, times to target and the performance profile (table and SVG)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l4-bench-'));
    const file = join(dir, 'spec.json');
    writeFileSync(
      file,
      JSON.stringify({
        kind: 'l4-lab-sweep',
        v: 1,
        name: 'mini',
        tasks: [
          { task: 'regression', settings: { samples: 50 }, steps: 150 },
          { task: 'functions-2d', settings: { fn: 'quadratic', noise: 0.1 }, steps: 150 },
        ],
        optimizers: [
          { optimizer: 'l4adam' },
          { optimizer: 'adam', grid: { learningRate: [1e-3, 1e-1] } },
          { optimizer: 'sgd', options: { learningRate: 1e3 } },
        ],
        seeds: { first: 1, count: 2 },
      }),
    );
    const out = join(dir, 'out');
    const r = await lab(['benchmark', '--spec', file, '--out', out, '--workers', '2']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mini: 16 runs — 16 trained now/);
    // One page bundle per task, named by it (and its 2-D function).
    expect(r.stdout).toContain(`${join(out, 'mini.1-regression.bundle.json')}, ${join(out, 'mini.2-functions-2d-quadratic.bundle.json')}`);
    expect(r.stdout).toMatch(/### Performance profile: fraction of tasks solved within τ × the fewest steps/);
    const report = JSON.parse(readFileSync(join(out, 'benchmark.json'), 'utf8')) as {
      result: {
        tasks: {
          task: string;
          target: number;
          targetBy: string;
          entries: { entry: string; config: string; stepsToTarget: number | null; diverged: number }[];
        }[];
        profileSteps: { taus: number[]; rho: Record<string, number[]> };
        scoreSteps: { reference: string | null; score: Record<string, number> };
        divergedRuns: { task: string; config: string; seed: number; reason: string }[];
      };
    };
    const { tasks, profileSteps, scoreSteps, divergedRuns } = report.result;
    expect(tasks.map((t) => t.task)).toEqual(['regression', 'functions-2d/quadratic']);
    for (const t of tasks) {
      // The target is set by the tuned baseline (Adam's better rate), which therefore reaches it.
      expect(t.targetBy).toMatch(/^adam-learningRate=/);
      expect(t.target).toBeGreaterThan(0);
      const adam = t.entries.find((e) => e.entry === 'adam')!;
      expect(adam.config).toBe(t.targetBy);
      expect(adam.stepsToTarget).toBeGreaterThan(0);
      expect(adam.stepsToTarget).toBeLessThanOrEqual(150);
      // SGD at lr 1000 diverges on both seeds (stopped by the engine, or its loss ends 100× its first): it solves
      // nothing, and the report lists its runs.
      expect(t.entries.find((e) => e.entry === 'sgd')).toMatchObject({ stepsToTarget: null, diverged: 2 });
    }
    expect(divergedRuns.filter((d) => d.config === 'sgd')).toHaveLength(4);
    // Each with why: the engine's reason when it stopped the run, else the loss that left the rails.
    for (const d of divergedRuns)
      expect(d.reason).toMatch(
        /^(stopped: 50 steps in a row were skipped from step \d+ on|its last loss was [\d.e+]+× its first|the loss was)/,
      );
    expect(profileSteps.rho.sgd!.every((x) => x === 0)).toBe(true);
    expect(profileSteps.rho.adam!.at(-1)).toBe(1);
    // AlgoPerf's score: SGD never reaches a target (0); every score lies in [0, 1].
    expect(r.stdout).toMatch(/### AlgoPerf score/);
    expect(scoreSteps.reference).toBeNull();
    expect(scoreSteps.score.sgd).toBe(0);
    for (const x of Object.values(scoreSteps.score)) expect(x >= 0 && x <= 1).toBe(true);
    const svg = readFileSync(join(out, 'profile.svg'), 'utf8');
    for (const o of ['l4adam', 'adam', 'sgd']) expect(svg).toContain(`data-optimizer="${o}"`);
    const md = readFileSync(join(out, 'benchmark.md'), 'utf8');
    expect(md).toMatch(/\| sgd \| sgd \| not reached \|/);
    // The diverged runs as a table, a row per task, config and reason, with its seeds: SGD's four runs.
    expect(md).toMatch(
      /### Diverged runs \(4\)\n\nStopped by the engine, a loss that was not finite, or a last loss 100× the first\.\n\n\| config \| task \| seeds \| why \|/,
    );
    const rows = [...md.matchAll(/^\| sgd \| (regression|functions-2d\/quadratic) \| ([\d, ]+) \| (.+) \|$/gm)];
    for (const task of ['regression', 'functions-2d/quadratic'])
      expect(
        rows
          .filter((m) => m[1] === task)
          .flatMap((m) => m[2]!.split(', ').map(Number))
          .sort(),
      ).toEqual([1, 2]);
    // --report-only analyses what is there without training.
    const again = await lab(['benchmark', '--spec', file, '--out', out, '--report-only']);
    expect(again.stdout).not.toMatch(/trained now/);
    expect(again.stdout).toMatch(/### regression/);
    // Against a fixed reference: Adam set both targets, so it scores 1 against itself.
    const byAdam = await lab(['benchmark', '--spec', file, '--out', out, '--report-only', '--reference', 'adam']);
    expect(byAdam.stdout).toMatch(/more than 4× adam's counts as never/);
    expect(byAdam.stdout).toMatch(/\| adam \| 1\.000 \| 1\.000 \|/);
    const bad = await lab(['benchmark', '--spec', file, '--out', out, '--report-only', '--reference', 'lion']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--reference must be one of the benchmark's optimizers \(l4adam, adam, sgd\), got "lion"/);
  }, 120_000);
});
