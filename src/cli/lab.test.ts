import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab } from '../testing/cli';

describe('npm run lab', () => {
  it('bad arguments get a sentence, the usage and exit code 2', async () => {
    const r = await lab(['train', '--task', 'regression', '--optimizer', 'adam', '--alpha', '0.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /"alpha" is not a setting of Adam or of the task regression\. Adam: learningRate, beta1, beta2, epsilon, epsilonForm, firstMoment, clipNorm, weightDecay, weightDecayForm; regression: kappa, samples\./,
    );
    expect(r.stderr).toMatch(/Usage:/);
    const unknown = await lab(['train', '--task', 'regression', '--optimizer', 'l4adam', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--bogus'/);
    const bad = await lab(['train', '--task', 'regression', '--optimizer', 'l4adam', '--alpha=0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/L4Adam: alpha \(α\) must be in \(0, 100\], got 0/);
    // A setting the optimizer does not have is refused, not ignored (it used to be: Polyak has no learning rate).
    const polyak = await lab(['train', '--task', 'functions-2d', '--fn', 'quadratic', '--optimizer', 'polyak', '--lr', '123']);
    expect(polyak.code).toBe(2);
    expect(polyak.stderr).toMatch(
      /"learningRate" is not a setting of Polyak or of the task functions-2d\. Polyak: fStar, alpha, maxLr, epsilon, weightDecay, weightDecayForm;/,
    );
    const choice = await lab(['train', '--task', 'functions-2d', '--set', 'fn=himmelblau', '--optimizer', 'sgd']);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toMatch(/function must be one of rosenbrock, beale, quadratic, rastrigin, got "himmelblau"/);
  });

  it('--help lists every optimizer and task of the catalogues with their settings', async () => {
    const { optimizerSpecs } = await import('../optim/catalogue');
    const { taskSpecs } = await import('../tasks/catalogue');
    const r = await lab(['--help']);
    expect(r.code).toBe(0);
    for (const o of optimizerSpecs()) {
      // A title is text, not a pattern ("ScheduleFree+").
      const title = o.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(r.stdout).toMatch(new RegExp(`^  ${o.id} +${title}$`, 'm'));
      for (const s of o.settings) expect(r.stdout).toContain(`--set ${s.key}=`);
    }
    for (const t of taskSpecs()) for (const s of t.settings) expect(r.stdout).toContain(`--set ${s.key}=`);
  });

  it('train writes JSON with the config, per-run traces and test metrics, and CSV with one row per step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-'));
    const json = join(dir, 'run.json');
    const r = await lab([
      'train',
      '--task',
      'regression',
      '--optimizer',
      'l4mom',
      '--steps',
      '30',
      '--restarts',
      '2',
      '--backend',
      'cpu',
      '--out',
      json,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/seed 1: done after 30 steps/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.config).toMatchObject({ task: 'regression', optimizer: 'l4mom', seed: 1, restarts: 2, steps: 30 });
    expect(doc.backend).toBe('cpu');
    expect(doc.runs).toHaveLength(2);
    expect(doc.runs[1].seed).toBe(2);
    expect(doc.runs[0].trace.step).toHaveLength(30);
    expect(doc.runs[0].trace.loss[29]).toBeLessThan(doc.runs[0].trace.loss[0]);
    expect(doc.runs[0].trace.lossMin[0]).toBeGreaterThan(0);
    const csv = join(dir, 'run.csv');
    expect(
      (
        await lab([
          'train',
          '--task',
          'functions-2d',
          '--set',
          'fn=beale',
          '--optimizer',
          'adam',
          '--lr',
          '0.01',
          '--steps',
          '12',
          '--backend',
          'cpu',
          '--out',
          csv,
        ])
      ).code,
    ).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('seed,step,loss,effectiveLr,updateNorm,flags,skippedSteps,wallTime,epoch,testAccuracy,testLoss');
    expect(lines).toHaveLength(13);
    expect(lines[1]!.split(',')[3]).toBe('0.009999999776482582'); // η = lr, in float32
  });

  it('reproduce refuses an unknown figure with the list of known ones', async () => {
    const r = await lab(['reproduce', 'fig9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reproduce needs one of table2, fig2, fig3, fig6/);
    const f64 = await lab(['reproduce', 'table2', '--float64']);
    expect(f64.code).toBe(2);
    expect(f64.stderr).toMatch(/--float64 applies to reproduce fig2 only/);
  });

  it('reproduce fig2 --float64 runs the float64 reference on the same seeds and prints the table', async () => {
    const r = await lab(['reproduce', 'fig2', '--float64', '--seeds', '2', '--steps', '200']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/float64 reference/);
    // Every setting appears, with a finite final loss (SGD at 8e-5 and above diverges: it says so).
    for (const name of ['sgd\\*', 'adam\\*', 'l4adam ', 'l4adam\\*', 'l4mom ', 'l4mom\\*'])
      expect(r.stdout).toMatch(new RegExp(`^${name}\\s+(α )?\\S+\\s+\\d\\.\\d\\de[+-]\\d+ +\\[`, 'm'));
    expect(r.stdout).toMatch(/sgd +lr 0\.00008 +diverged/);
  });
});
