import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, decodeExperiment, encodeExperiment, PRESETS, sanitizeExperiment } from './experiment';

describe('the experiment as a value', () => {
  it('round-trips through the URL fragment, presets included', () => {
    for (const e of [DEFAULT_EXPERIMENT, ...Object.values(PRESETS).map((p) => p.experiment)]) {
      const back = decodeExperiment(`#${encodeExperiment(e)}`)!;
      expect(back.notices).toEqual([]);
      expect(back.experiment).toEqual(e);
    }
    expect(decodeExperiment('#nothing')).toBeNull();
  });

  it('a damaged link opens the default experiment with a notice', () => {
    const r = decodeExperiment('#x=%%%not-base64')!;
    expect(r.experiment).toEqual(DEFAULT_EXPERIMENT);
    expect(r.notices[0]).toMatch(/damaged/);
    const notJson = decodeExperiment(`#x=${btoa('{"v":1,').replace(/=+$/, '')}`)!;
    expect(notJson.notices[0]).toMatch(/damaged/);
  });

  it('bad values become the nearest valid experiment, each with a sentence', () => {
    const { experiment, notices } = sanitizeExperiment({
      v: 0,
      task: 'regression',
      taskSettings: { kappa: 1e6, evil: { toString: 'alert(1)' } },
      runs: [
        { id: 'a', optimizer: 'l4adam', options: { alpha: -1, gamma: 0.8 } },
        { id: 'b', optimizer: 'nope' },
        { id: 'a', optimizer: 'sgd', options: { learningRate: 'fast' } },
      ],
      seeds: 0,
      steps: 2.5,
      backend: 'quantum',
    });
    expect(experiment.task).toBe('regression');
    expect(experiment.taskSettings).toEqual({ kappa: 1e6 });
    expect(experiment.runs).toEqual([
      { id: 'a', optimizer: 'l4adam', options: { gamma: 0.8 } },
      { id: 'b', optimizer: 'sgd', options: {} },
    ]);
    expect(experiment.seeds).toBe(DEFAULT_EXPERIMENT.seeds);
    expect(experiment.steps).toBe(DEFAULT_EXPERIMENT.steps);
    expect(experiment.backend).toBe('auto');
    expect(notices.join('\n')).toMatch(/version 0/);
    expect(notices.join('\n')).toMatch(/alpha \(α\) must be in \(0, 100\], got -1/);
    expect(notices.join('\n')).toMatch(/unknown optimizer "nope"/);
    expect(notices.join('\n')).toMatch(/learning rate \(lr\) must be a number/);
    expect(notices.join('\n')).toMatch(/Task setting "evil"/);
    expect(notices.join('\n')).toMatch(/seeds must be a whole number in \[1, 10\], got 0/);
    expect(notices.join('\n')).toMatch(/Unknown backend "quantum"/);
  });

  it('a choice of form travels as its name; an unknown one is a notice and the default', () => {
    const { experiment, notices } = sanitizeExperiment({
      ...DEFAULT_EXPERIMENT,
      runs: [
        { id: 'a', optimizer: 'adam', options: { epsilonForm: 'tensorflow', learningRate: 1e-3 } },
        { id: 'b', optimizer: 'rmsprop', options: { form: 'tf2' } },
      ],
    });
    expect(experiment.runs[0]!.options).toEqual({ epsilonForm: 'tensorflow', learningRate: 1e-3 });
    expect(experiment.runs[1]!.options).toEqual({});
    expect(notices).toEqual(['Run 2 (RMSProp): form must be one of keras, tf1, got "tf2". Using keras.']);
    expect(decodeExperiment(`#${encodeExperiment(experiment)}`)!.experiment).toEqual(experiment);
  });

  it('something that is not an object at all gives the default', () => {
    expect(sanitizeExperiment('x').experiment).toEqual(DEFAULT_EXPERIMENT);
    expect(sanitizeExperiment([1, 2]).notices).toHaveLength(1);
  });
});
