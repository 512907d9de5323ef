import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/cli';
import { thinIndexes } from './bundle';
import { expandSweep, parseSweepSpec } from './spec';

const spec = {
  kind: 'l4-lab-sweep',
  v: 1,
  name: 'tiny',
  tasks: [{ task: 'regression', settings: { samples: 50 }, steps: 20 }],
  optimizers: [{ optimizer: 'adam', grid: { learningRate: { log: [1e-3, 1e-1, 3] } } }, { optimizer: 'l4adam' }],
  seeds: { first: 1, count: 2 },
};

describe('npm run lab -- sweep (the local pool)', () => {
  it('trains every run once on two worker processes, writes each result under its run key, and a rerun resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l4-sweep-'));
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    const out = join(dir, 'out');
    const first = await lab(['sweep', file, '--out', out, '--workers', '2']);
    expect(first.stdout).toMatch(/tiny: 8 runs — 8 trained now, 0 already had a result, 0 failed/);
    expect(first.code).toBe(0);
    const runs = expandSweep(parseSweepSpec(spec));
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(runs.map((r) => `${r.runKey}.json`).sort());
    const merged = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      runs: {
        runKey: string;
        seed: number;
        optimizerOptions: Record<string, number>;
        result: { runs: { status: string; trace: { loss: number[] } }[] };
      }[];
    };
    // Grid order, not finish order; every run trained its 20 steps.
    expect(merged.runs.map((r) => r.runKey)).toEqual(runs.map((r) => r.runKey));
    for (const r of merged.runs) {
      expect(r.result.runs).toHaveLength(1);
      expect(r.result.runs[0]!.status).toBe('done');
      expect(r.result.runs[0]!.trace.loss).toHaveLength(20);
    }
    // Paired: the same seed gives the same first loss (same initial weights and data) whatever the optimizer.
    const firstLoss = (seed: number) => new Set(merged.runs.filter((r) => r.seed === seed).map((r) => r.result.runs[0]!.trace.loss[0]));
    expect(firstLoss(1).size).toBe(1);
    expect(firstLoss(2).size).toBe(1);
    // Running it again changes nothing: every run already has its result.
    const again = await lab(['sweep', file, '--out', out, '--max-points', '5']);
    expect(again.stdout).toMatch(/tiny: 8 runs — 0 trained now, 8 already had a result, 0 failed/);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).toEqual(merged);
    // The page's bundle: every run, its trace thinned to 5 rows with the first and last step.
    const bundle = JSON.parse(readFileSync(join(out, 'tiny.bundle.json'), 'utf8')) as {
      kind: string;
      experiment: { runs: { id: string; optimizer: string }[]; seeds: number };
      runs: { id: string; specId: string; trace: { step: number[] } }[];
    };
    expect(bundle.kind).toBe('l4-lab-run-bundle');
    expect(bundle.experiment.runs.map((r) => `${r.id}:${r.optimizer}`)).toEqual(['a:adam', 'b:adam', 'c:adam', 'd:l4adam']);
    expect(bundle.experiment.seeds).toBe(2);
    // Named by grid point and seed, as the page names its own runs.
    expect(bundle.runs.map((r) => r.id)).toEqual(['a.1', 'a.2', 'b.1', 'b.2', 'c.1', 'c.2', 'd.1', 'd.2']);
    expect(bundle.runs.map((r) => r.specId)).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']);
    expect(bundle.runs[0]!.trace.step).toEqual([0, 5, 10, 14, 19]);
  }, 120_000);

  it('a worker killed mid-run: its run goes to a fresh worker, every run ends with exactly one result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l4-sweep-'));
    const file = join(dir, 'spec.json');
    // Four runs of a few seconds each: the kill lands in a worker's first run.
    const killed = { ...spec, name: 'killed', tasks: [{ task: 'regression', steps: 6000 }], seeds: { first: 1, count: 1 } };
    writeFileSync(file, JSON.stringify(killed));
    const out = join(dir, 'out');
    const sweep = lab(['sweep', file, '--out', out, '--workers', '2']);
    // The worker processes of this sweep, from /proc (no procps needed on a bare machine): those that descend from
    // this test's process, so that another sweep running on the machine is left alone.
    const parentOf = (pid: number) =>
      Number(
        readFileSync(`/proc/${pid}/stat`, 'utf8')
          .replace(/^.*\) /s, '')
          .split(' ')[1],
      );
    const ours = (pid: number) => {
      for (let p = pid; p > 1; p = parentOf(p)) if (p === process.pid) return true;
      return false;
    };
    const workers = async () =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('sweep/child.ts') && ours(Number(d));
          } catch {
            return false;
          }
        })
        .map(Number);
    let pids: number[] = [];
    for (let i = 0; i < 200 && pids.length < 2; i++) {
      pids = await workers();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 700));
    process.kill(pids[0]!, 'SIGKILL');
    const r = await sweep;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/killed: 4 runs — 4 trained now, 0 already had a result, 0 failed, 1 retried after their worker died/);
    const runs = expandSweep(parseSweepSpec(killed));
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(runs.map((x) => `${x.runKey}.json`).sort());
  }, 120_000);

  it('a bad spec exits 2 with its problems as sentences, before anything runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l4-sweep-'));
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify({ ...spec, optimizers: [{ optimizer: 'adam', grid: { lr: [1] } }] }));
    const r = await lab(['sweep', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Optimizer 1 \(Adam\): "lr" is not a numeric setting; its numeric settings are learningRate/);
    expect(readdirSync(dir)).toEqual(['spec.json']);
    writeFileSync(file, '{ not json');
    expect((await lab(['sweep', file])).stderr).toMatch(/could not be read as JSON/);
  }, 60_000);
});

describe("the page's bundle of a sweep", () => {
  it('thins a trace evenly to at most maxPoints rows, keeping the first and the last', () => {
    expect(thinIndexes(10, 4)).toEqual([0, 3, 6, 9]);
    expect(thinIndexes(3, 5)).toEqual([0, 1, 2]);
    expect(thinIndexes(100_000, 5000)).toHaveLength(5000);
    expect(thinIndexes(100_000, 5000).at(-1)).toBe(99_999);
  });
});
