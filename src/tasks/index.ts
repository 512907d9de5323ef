import type { MnistLike } from './data/mnist';
import { createFunctions2d, functions2dInfo } from './functions2d';
import { createMnistMlp, mnistMlpInfo } from './mnistMlp';
import { createRegression, regressionInfo } from './regression';
import type { Settings, Task, TaskInfo } from './types';

export type { DataSource, Evaluation, Settings, SettingValue, Task, TaskInfo } from './types';

/** Every task the engine can build, with its defaults. */
export const TASKS: Record<string, TaskInfo> = {
  regression: regressionInfo,
  'functions-2d': functions2dInfo,
  'mnist-mlp': mnistMlpInfo,
};

/** The datasets a task needs, loaded by the caller (Node: from disk; browser: from the server). */
export interface TaskData {
  mnist?: MnistLike;
}

/** Which dataset a task needs, if any. */
export function datasetOf(task: string): keyof TaskData | null {
  return task === 'mnist-mlp' ? 'mnist' : null;
}

/** Builds a task for a seed. Unknown tasks and missing data get a sentence that says so. */
export function createTask(id: string, settings: Settings, seed: number, data: TaskData = {}): Task {
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${String(seed)}.`);
  switch (id) {
    case 'regression':
      return createRegression(settings, seed);
    case 'functions-2d':
      return createFunctions2d(settings, seed);
    case 'mnist-mlp':
      if (!data.mnist) throw new Error('mnist-mlp needs the MNIST data, which was not loaded.');
      return createMnistMlp(settings, seed, data.mnist);
    default:
      throw new Error(`Unknown task "${id}". Known: ${Object.keys(TASKS).join(', ')}.`);
  }
}
