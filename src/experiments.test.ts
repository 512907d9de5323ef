/**
 * The paper's set-ups are written once (src/experiments/): the page's presets and `lab reproduce` run the same
 * task, settings and line-up for each figure and table; only the length and the seeds differ (the page's are
 * short, to watch in a browser).
 */
import { describe, expect, it } from 'vitest';
import { setupRun } from './cli/reproduce';
import { PAPER_SETUPS } from './experiments';
import { PRESETS } from './state/experiment';

const what = (task: string, taskSettings: object, optimizer: string, options: object) => ({ task, taskSettings, optimizer, options });

describe('one table of the paper’s set-ups', () => {
  for (const setup of Object.values(PAPER_SETUPS))
    it(`${setup.id}: the page’s preset and lab reproduce ${setup.id} train the same settings`, () => {
      const preset = PRESETS[setup.id]!.experiment;
      const page = preset.runs.map((r) => what(preset.task, preset.taskSettings, r.optimizer, r.options));
      const cli = setup.lineup.map((entry) => {
        const run = setupRun(setup, entry, { seeds: setup.reproduce.seeds, steps: setup.reproduce.steps, epochs: setup.reproduce.epochs });
        return what(run.task, run.taskSettings, run.optimizer, run.optimizerOptions);
      });
      expect(page).toEqual(cli);
      expect(page.length).toBe(setup.lineup.length);
      expect(preset.seeds).toBe(setup.page.seeds);
    });

  it('Fig. 6 as the paper ran it: TensorFlow 1’s RMSProp (ε 1e-10), TensorFlow’s Adam, every baseline clipped at 50', () => {
    const runs = PRESETS.fig6!.experiment.runs;
    expect(runs.map((r) => r.optimizer)).toEqual(['l4adam', 'l4mom', 'rmsprop', 'adam', 'momentum']);
    expect(runs[2]!.options).toEqual({ learningRate: 0.005, form: 'tf1', epsilon: 1e-10, clipNorm: 50 });
    expect(runs[3]!.options).toEqual({ learningRate: 0.01, epsilonForm: 'tensorflow', clipNorm: 50 });
    expect(runs[4]!.options).toEqual({ learningRate: 1.2, clipNorm: 50 });
    expect(setupRun(PAPER_SETUPS.fig6, PAPER_SETUPS.fig6.lineup[2]!, { seeds: 5, steps: 1000 })).toMatchObject({
      task: 'repeat-copy',
      optimizer: 'rmsprop',
      optimizerOptions: { learningRate: 0.005, form: 'tf1', epsilon: 1e-10, clipNorm: 50 },
      restarts: 5,
      steps: 1000,
    });
  });
});
