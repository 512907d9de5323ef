import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSweep } from './sweep/spec';
import { momoSweep } from './momoSweep';
import { lab } from '../testing/cli';

describe('npm run lab -- reproduce momo-sweep', () => {
  it("is step-back's grid: Adam, MoMo-Adam, SGD-M and MoMo over their published rates, L4Adam and L4Mom over α, 3 seeds, 10 epochs", () => {
    const spec = momoSweep({});
    expect(spec.tasks).toEqual([{ task: 'stepback-mnist', epochs: 10 }]);
    const runs = expandSweep(spec);
    expect(runs).toHaveLength((6 + 6 + 6 + 7 + 5 + 5) * 3);
    // SGD-M with dampening 0.9 at lr 0.1 is heavy-ball momentum at 0.01.
    expect(runs.filter((r) => r.optimizer === 'momentum').map((r) => r.optimizerOptions.learningRate)).toContain(0.01);
    expect(runs.find((r) => r.optimizer === 'adam')!.optimizerOptions.epsilon).toBe(1e-8);
  });

  it('runs through the sweep engine and prints every grid point beside the published accuracy', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'l4-momo-')), 'out');
    const r = await lab(['reproduce', 'momo-sweep', '--seeds', '1', '--epochs', '0.01', '--workers', '2', '--out', out]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/momo-sweep: 35 runs — 35 trained now/);
    const md = readFileSync(join(out, 'momo-sweep.md'), 'utf8');
    // Each cell: our accuracy, then the published one (Adam at 1e-3: 0.978; SGD-M at 10 diverged there).
    expect(md).toMatch(/\| Adam \| 0\.\d{3} · 0\.960 \| 0\.\d{3} · 0\.978 \|/);
    expect(md).toMatch(/\| SGD-M \(β 0\.9, dampening 0\.9\) \|  \| 0\.\d{3} · 0\.871 \|.* · NaN \|/);
    expect(md).toMatch(/\| L4Adam \| 0\.\d{3} \| 0\.\d{3} \| 0\.\d{3} \| 0\.\d{3} \| (0\.\d{3}|diverged) \|/);
    const again = await lab(['reproduce', 'momo-sweep', '--seeds', '1', '--epochs', '0.01', '--out', out, '--report-only']);
    expect(again.stdout).not.toMatch(/trained now/);
    expect(again.stdout).toContain(md.split('\n')[3]!);
  }, 120_000);
});
