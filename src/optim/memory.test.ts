import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { optimizerIds } from './catalogue';
import { makeOptimizer } from './index';
import { TransformOptimizer } from './adapter';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const lr: Partial<Record<string, number>> = { sgd: 0.01, momentum: 0.01, adam: 0.01, rmsprop: 0.001, adagrad: 0.1 };

describe('no leaks: the tensor count stays flat over 1,000 steps of every optimizer', () => {
  for (const name of optimizerIds()) {
    it(name, async () => {
      const before = tf.memory().numTensors;
      const w = tf.tidy(() => tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 7), true, `mem_${name}_w`));
      const b = tf.tidy(() => tf.variable(tf.zeros([3]), true, `mem_${name}_b`));
      const x = tf.randomNormal([8, 4], 0, 1, 'float32', 8);
      const opt = new TransformOptimizer(makeOptimizer(name, lr[name] ? { learningRate: lr[name] } : {}));
      const f = () => tf.mean(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar;
      const counts: number[] = [];
      for (let t = 0; t < 1000; t++) {
        opt.minimize(f, false, [w, b]);
        if (t % 100 === 99) {
          await opt.checkLastStep(); // lets the asynchronous flag probes finish
          counts.push(tf.memory().numTensors);
        }
      }
      expect(new Set(counts).size, `tensor counts ${counts.join(',')}`).toBe(1);
      opt.dispose();
      tf.dispose([w, b, x]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
