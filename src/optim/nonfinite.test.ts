import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyStep, disposeState, readDiagnostics } from './apply';
import { optimizerIds } from './catalogue';
import { StepFlags } from './flags';
import { makeOptimizer } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('a step with non-finite gradients leaves the parameters untouched (every optimizer of the catalogue)', () => {
  for (const name of optimizerIds()) {
    for (const bad of [NaN, Infinity]) {
      it(`${name}, a gradient holding ${bad}`, async () => {
        const before = tf.memory().numTensors;
        const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -2, 3]), true, `nf_${name}_${bad}`));
        const t = makeOptimizer(name);
        const loss = tf.scalar(2);
        // One good step first, so that momentum and L_min hold something.
        const good = [tf.tensor1d([0.5, -0.5, 1])];
        let s = applyStep(t, [w], good, t.init([w]), { loss });
        const kept = Array.from(await w.data());
        const grads = [tf.tensor1d([0.1, bad, 0.2])];
        s = applyStep(t, [w], grads, s, { loss });
        expect(Array.from(await w.data())).toEqual(kept);
        const d = await readDiagnostics(s);
        expect(d.flags! & StepFlags.nonFiniteDirection).toBe(StepFlags.nonFiniteDirection);
        expect(d.effectiveLr).toBe(0);
        expect(d.updateNorm).toBe(0);
        disposeState(s);
        tf.dispose([w, loss, ...good, ...grads]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});
