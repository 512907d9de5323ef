import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyStep, disposeState, setHyper } from './apply';
import { diagnosticsOf, optimizerIds, optimizerSpec } from './catalogue';
import { adamDirection } from './directions';
import { adam, makeOptimizer } from './index';
import { findMakers, OPTIMIZER_FOLDERS, optimizerModuleFiles, withoutMaker, withoutSpec } from './recipes';
import { importFolders, moduleFiles } from '../lib/modules.node';
import { L4Adam, Prodigy, ScheduleFreeSGD } from './index';
import { l4Rule, polyakRule } from './stepsizes';
import { isChoice, isLive, SettingsError } from '../lib/settings';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the optimizer catalogue and the library agree (every optimizer of the registry)', () => {
  it('every spec of the catalogue has its maker among the optimizer folders’ modules, under its id, and every maker its spec', () => {
    expect(optimizerIds().length).toBeGreaterThanOrEqual(15);
    expect(withoutMaker()).toEqual([]);
    expect(withoutSpec()).toEqual([]);
  });

  it('Node (tsx: the CLI, the soak, the benches) finds the same optimizer modules and makers as Vite’s glob', async () => {
    expect(optimizerModuleFiles()).toContain('./peers/prodigy.ts');
    expect(optimizerModuleFiles()).not.toContain('./peers/prodigy.meta.ts');
    expect(optimizerModuleFiles()).not.toContain('./peers/peers.test.ts');
    expect(moduleFiles(new URL('./recipes.ts', import.meta.url).href, OPTIMIZER_FOLDERS).sort()).toEqual(optimizerModuleFiles());
    const onDisk = findMakers(await importFolders(new URL('./recipes.ts', import.meta.url).href, OPTIMIZER_FOLDERS));
    expect([...onDisk.keys()].sort()).toEqual([...optimizerIds()].sort());
    expect(onDisk.get('adam')).toBe(adam);
  });

  it('two different makers of one optimizer are an error that names both', () => {
    const a = Object.assign(
      function a() {
        return adam();
      },
      { meta: adam.meta },
    );
    const b = Object.assign(
      function b() {
        return adam();
      },
      { meta: adam.meta },
    );
    expect(() => findMakers({ './x.ts': { a }, './y.ts': { b } })).toThrow('Two makers build the optimizer "adam": a and b.');
    expect(findMakers({ './x.ts': { a }, './y.ts': { a } }).get('adam')).toBe(a);
  });

  for (const id of optimizerIds()) {
    const spec = optimizerSpec(id)!;
    it(`${id}: every declared setting is accepted, live ones change live, and the diagnostics are the declared ones`, async () => {
      const before = tf.memory().numTensors;
      for (const s of spec.settings) {
        if (isChoice(s)) for (const c of s.choices) expect(() => makeOptimizer(id, { [s.key]: c })).not.toThrow();
        else if (Number.isFinite(s.default)) expect(() => makeOptimizer(id, { [s.key]: s.default })).not.toThrow();
      }
      const t = makeOptimizer(id);
      const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -2]), true, `cat_${id}`));
      let state = t.init([w]);
      expect(Object.keys(state.diagnostics).sort()).toEqual(
        diagnosticsOf(id)
          .map((d) => d.key)
          .sort(),
      );
      for (const s of spec.settings.filter(isLive)) state = setHyper(t, state, { [s.key]: s.default });
      const g = [tf.tensor1d([0.5, 0.5])];
      const loss = tf.scalar(1);
      state = applyStep(t, [w], g, state, { loss });
      disposeState(state);
      tf.dispose([w, loss, ...g]);
      expect(tf.memory().numTensors).toBe(before);
    });
    it(`${id}: a misspelt or out-of-domain option is refused with a sentence naming the valid ones`, () => {
      expect(() => makeOptimizer(id, { learningRat: 5 })).toThrow(SettingsError);
      expect(() => makeOptimizer(id, { learningRat: 5 })).toThrow(`Valid: ${spec.settings.map((s) => s.key).join(', ')}.`);
      for (const s of spec.settings) {
        if (isChoice(s)) expect(() => makeOptimizer(id, { [s.key]: 'nonsense' })).toThrow(`must be one of ${s.choices.join(', ')}`);
        else if (s.min > -Infinity) expect(() => makeOptimizer(id, { [s.key]: s.min - 1 })).toThrow(/must be in/);
      }
    });
  }
});

describe('typed settings: an unknown key is a type error in code and a sentence at run time', () => {
  it('in rules, directions and recipes alike', () => {
    // @ts-expect-error — not an L4 setting
    expect(() => l4Rule({ alpah: 0.2 })).toThrow('L4 has no setting "alpah". Valid: alpha, gamma, tau, gamma0, epsilon, gradTimescale.');
    // @ts-expect-error — not a Polyak setting
    expect(() => polyakRule({ fstar: 1 })).toThrow('Polyak has no setting "fstar". Valid: fStar, alpha, maxLr, epsilon.');
    // @ts-expect-error — not an Adam direction setting
    expect(() => adamDirection({ betta2: 0.9 })).toThrow(
      'The Adam direction has no setting "betta2". Valid: beta1, beta2, epsilon, epsilonForm, firstMoment.',
    );
    // @ts-expect-error — not an Adam setting
    expect(() => adam({ learningRat: 5 })).toThrow(
      /^Adam has no setting "learningRat"\. Valid: learningRate, beta1, beta2, epsilon, epsilonForm, firstMoment, clipNorm, weightDecay\.$/,
    );
    expect(() => adam({ learningRate: 5 })).not.toThrow();
  });

  it('in the classes, their constructors and their live settings', () => {
    // @ts-expect-error — Prodigy's rate is `lr`, as the official code names it
    expect(() => new Prodigy({ learningRate: 1 })).toThrow('Prodigy has no setting "learningRate"');
    const opt = new L4Adam();
    // @ts-expect-error — not an L4 setting
    expect(() => opt.setHyper({ alpah: 0.2 })).toThrow('has no hyperparameter "alpah"');
    opt.setHyper({ alpha: 0.2 });
    const alpha: number = opt.hyper.alpha;
    expect(alpha).toBe(0.2);
    const sf = new ScheduleFreeSGD();
    // @ts-expect-error — a Schedule-Free SGD setting is a number
    expect(() => sf.setHyper({ momentum: 'high' })).toThrow(/momentum/);
    const growth: number | null = new Prodigy().hyper.growthRate;
    expect(growth).toBeNull();
  });
});
