import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, findBuilders, taskIds, taskModuleFiles, withoutBuilder, withoutTaskSpec } from './index';
import { createRegression } from './regression';
import { regressionInfo } from './regression.meta';
import { importFolders, moduleFiles } from '../lib/modules.node';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const HERE = new URL('./index.ts', import.meta.url).href;

describe('the task registry: each builder beside its task, found by its spec’s id', () => {
  it('every task of the catalogue has its builder, and every builder its line in the catalogue', () => {
    expect(taskIds().length).toBeGreaterThanOrEqual(8);
    expect(withoutBuilder()).toEqual([]);
    expect(withoutTaskSpec()).toEqual([]);
  });

  it('Node (tsx: the CLI, the soak, the benches) finds the same task modules and builders as Vite’s glob', async () => {
    expect(taskModuleFiles()).toContain('./regression.ts');
    expect(taskModuleFiles()).not.toContain('./regression.meta.ts');
    expect(taskModuleFiles()).not.toContain('./regression.test.ts');
    expect(taskModuleFiles()).not.toContain('./index.ts');
    expect(moduleFiles(HERE, ['.']).sort()).toEqual(taskModuleFiles());
    expect([...findBuilders(await importFolders(HERE, ['.'])).keys()].sort()).toEqual([...taskIds()].sort());
  });

  it('a task is built from its settings and seed; one that needs a dataset it was not given says which', () => {
    const before = tf.memory().numTensors;
    const task = createTask('regression', { samples: 10 }, 1);
    expect(task.params.length).toBeGreaterThan(0);
    task.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => createTask('mnist-mlp', {}, 1)).toThrow('mnist-mlp needs the MNIST data, which was not loaded');
    expect(() => createTask('cifar10-resnet', {}, 1)).toThrow('cifar10-resnet needs the CIFAR-10 binary batches, which were not loaded');
  });

  it('two different builders of one task are an error that names both', () => {
    const a = Object.assign(
      function a(s: never, seed: number) {
        return createRegression(s, seed);
      },
      { meta: regressionInfo },
    );
    const b = Object.assign(
      function b(s: never, seed: number) {
        return createRegression(s, seed);
      },
      { meta: regressionInfo },
    );
    expect(() => findBuilders({ './x.ts': { a }, './y.ts': { b } })).toThrow('Two builders build the task "regression": a and b.');
    expect([...findBuilders({ './x.ts': { a }, './y.ts': { a } }).keys()]).toEqual(['regression']);
  });
});
