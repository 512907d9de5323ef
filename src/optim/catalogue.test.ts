import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyStep, disposeState, setHyper } from './apply';
import { diagnosticsOf, optimizerIds, optimizerSpec } from './catalogue';
import { makeOptimizer } from './recipes';
import { isLive, SettingsError } from './settings';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the optimizer catalogue and the library agree (every optimizer of the registry)', () => {
  for (const id of optimizerIds()) {
    const spec = optimizerSpec(id)!;
    it(`${id}: every declared setting is accepted, live ones change live, and the diagnostics are the declared ones`, async () => {
      const before = tf.memory().numTensors;
      for (const s of spec.settings) if (Number.isFinite(s.default)) expect(() => makeOptimizer(id, { [s.key]: s.default })).not.toThrow();
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
      const first = spec.settings[0]!;
      if (first.min > -Infinity) expect(() => makeOptimizer(id, { [first.key]: first.min - 1 })).toThrow(/must be in/);
    });
  }
});
