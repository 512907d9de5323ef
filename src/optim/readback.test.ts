import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyStep, disposeState } from './apply';
import { optimizerIds } from './catalogue';
import { makeOptimizer } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Nothing is read back per step (every optimizer of the catalogue): its scalars (η, L_min, d, r̄, …) stay on the
 * device. Counted as calls to the backend's `readSync` and `read` during 20 steps; on cpu and WASM the guard reads
 * scalars in place from host memory (kernels/internals.ts), which is not a transfer and not counted.
 */
describe('no readback per step', () => {
  for (const id of optimizerIds()) {
    it(id, () => {
      const backend = tf.backend() as unknown as { readSync: (...a: unknown[]) => unknown; read: (...a: unknown[]) => unknown };
      const [readSync, read] = [backend.readSync, backend.read];
      let reads = 0;
      backend.readSync = function (...a: unknown[]) {
        reads++;
        return readSync.apply(this, a);
      };
      backend.read = function (...a: unknown[]) {
        reads++;
        return read.apply(this, a);
      };
      const w = tf.tidy(() => tf.variable(tf.randomNormal([6, 3], 0, 1, 'float32', 3), true, `rb_${id}`));
      const t = makeOptimizer(id);
      let state = t.init([w]);
      try {
        for (let k = 0; k < 20; k++) {
          tf.tidy(() => {
            const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(w)) as tf.Scalar, [w]);
            state = applyStep(t, [w], [grads[w.name]!], state, { loss: value });
          });
        }
      } finally {
        backend.readSync = readSync;
        backend.read = read;
      }
      expect(reads).toBe(0);
      disposeState(state);
      w.dispose();
    });
  }
});
