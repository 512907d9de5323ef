/**
 * Adding an optimizer is its file and one registry entry (README, "Adding an optimizer"). This test registers a
 * throwaway rule, "half of SGD" (η = lr/2, recording its own diagnostic `halfLr`), and finds it everywhere the
 * lab lists optimizers: the experiment builder, the tuning panel, the URL, the CLI (`--help` and its flags), the
 * engine's trace and exports, the charts (its own diagnostic too) and the registry the tests iterate.
 */
import * as tf from '@tensorflow/tfjs';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrain, usage } from './cli/args';
import { toCsvDoc, train } from './cli/train';
import {
  optimizerIds,
  registerOptimizer,
  unregisterOptimizer,
  withStepsize,
  sgdDirection,
  type OptimizerSpec,
  type StepsizeRule,
} from './optim';
import { paramSpec } from './lib/settings';
import { defineOptimizer } from './optim/spec';
import { decodeExperiment, DEFAULT_EXPERIMENT, encodeExperiment } from './state/experiment';
import { chartsFor } from './ui/charts/chartSpecs';

/** The throwaway rule: a constant learning rate, halved. */
function halfRule(learningRate: number): StepsizeRule<null> {
  return {
    name: 'half',
    diagnostics: ['halfLr'],
    needsLoss: false,
    hyper: { learningRate },
    validateHyper: () => undefined,
    init: () => null,
    stepsize: ({ hyper }) => {
      const half = tf.scalar((hyper.learningRate as number) / 2);
      return { effectiveLr: half, flags: tf.scalar(0), state: null, diagnostics: { halfLr: tf.clone(half) } };
    },
  };
}

const HALF: OptimizerSpec = defineOptimizer({
  id: 'half-sgd',
  title: 'Half SGD',
  summary: 'SGD at half its learning rate (a test of the registry).',
  settings: [paramSpec('learningRate', 'learning rate', 'lr', 0.2, 0, Infinity, { slider: [1e-6, 1], live: true })],
  diagnostics: [{ key: 'halfLr', label: 'Half the learning rate', symbol: 'lr/2', log: true }],
});

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerOptimizer<{ learningRate?: number }>(HALF, (o) => withStepsize('half-sgd', sgdDirection(), halfRule(o.learningRate ?? 0.2)));
});
afterAll(() => {
  unregisterOptimizer('half-sgd');
  delete (globalThis as { location?: unknown }).location;
});

describe('a throwaway optimizer registered in one place appears everywhere', () => {
  it('in the registry the registry-driven tests iterate', () => {
    expect(optimizerIds()).toContain('half-sgd');
  });

  it('in the experiment builder (its title and its settings) and the tuning panel (it has a learning rate), opened from a link', async () => {
    // The page opens the experiment in its address; rendered to a string, the builder shows the store's initial state.
    const e = { ...DEFAULT_EXPERIMENT, runs: [{ id: 'a', optimizer: 'half-sgd', options: { learningRate: 0.3 } }] };
    (globalThis as { location?: unknown }).location = { hash: `#${encodeExperiment(e)}`, search: '' };
    const { ExperimentBuilder } = await import('./ui/controls/ExperimentBuilder');
    const { TuningPanel } = await import('./ui/controls/TuningPanel');
    const builder = renderToString(<ExperimentBuilder />);
    expect(builder).toContain('<option value="half-sgd" selected="">Half SGD</option>');
    expect(builder).toContain('data-testid="param.run a.learningRate"');
    expect(builder).toMatch(/value="0.3"/);
    const tuning = renderToString(<TuningPanel />);
    expect(tuning).toContain('<option value="a" selected="">a<!-- -->: <!-- -->Half SGD</option>');
  });

  it('in the URL: a link with it round-trips, and a misspelt setting of it gets a notice naming the valid ones', () => {
    const e = { ...DEFAULT_EXPERIMENT, runs: [{ id: 'a', optimizer: 'half-sgd', options: { learningRate: 0.3 } }] };
    expect(decodeExperiment(`#${encodeExperiment(e)}`)).toEqual({ experiment: e, notices: [] });
    const bad = decodeExperiment(
      `#${encodeExperiment({ ...e, runs: [{ id: 'a', optimizer: 'half-sgd', options: { learningRat: 1 } }] })}`,
    )!;
    expect(bad.notices).toEqual([
      'Run 1: "learningRat" is not a setting of Half SGD and was dropped (valid: learningRate, weightDecay, weightDecayForm).',
    ]);
  });

  it('in the CLI: --help lists it with its settings, its flags parse, a setting it lacks exits with the valid ones', () => {
    const help = usage(['fig2']);
    expect(help).toMatch(/^ {2}half-sgd +Half SGD$/m);
    expect(help).toContain('--set learningRate=<x>  learning rate lr in (0, ∞) (default 0.2), live');
    expect(parseTrain(['--task', 'functions-2d', '--optimizer', 'half-sgd', '--lr', '0.05']).optimizerOptions).toEqual({
      learningRate: 0.05,
    });
    expect(() => parseTrain(['--task', 'functions-2d', '--optimizer', 'half-sgd', '--alpha', '0.2'])).toThrow(
      /"alpha" is not a setting of Half SGD or of the task functions-2d\. Half SGD: learningRate, weightDecay, weightDecayForm;/,
    );
  });

  it('in the engine, its exports and the charts: its own diagnostic is a trace column, a CSV column and a chart', async () => {
    const before = tf.memory().numTensors;
    const args = parseTrain(['--task', 'functions-2d', '--set', 'fn=quadratic', '--optimizer', 'half-sgd', '--lr', '0.1', '--steps', '5']);
    const [run] = await train(args);
    expect(run!.status).toBe('done');
    expect(Array.from(run!.trace.columns.halfLr!)).toEqual([0.05, 0.05, 0.05, 0.05, 0.05].map(Math.fround));
    expect(Array.from(run!.trace.columns.effectiveLr!)).toEqual(Array.from(run!.trace.columns.halfLr!));
    expect(toCsvDoc([run!]).split('\n')[0]).toBe(
      'seed,step,loss,effectiveLr,updateNorm,flags,skippedSteps,halfLr,wallTime,epoch,testAccuracy,testLoss',
    );
    expect(chartsFor(['half-sgd'], false).map((c) => [c.id, c.title])).toContainEqual(['halfLr', 'Half the learning rate']);
    expect(tf.memory().numTensors).toBe(before);
  });
});
