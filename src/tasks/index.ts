import type { MnistLike } from './data/mnist';
import { createCifarResnet } from './cifarResnet';
import type { RgbSet } from './data/cifar';
import { createFashionConvnet } from './fashionConvnet';
import { createFunctions2d } from './functions2d';
import { createMnistMlp } from './mnistMlp';
import { createRegression } from './regression';
import { createRepeatCopy } from './repeatCopy';
import {
  registerTaskSpec,
  taskSettings,
  taskSpec,
  unknownTask,
  unregisterTaskSpec,
  type BuiltinTask,
  type DatasetName,
  type TaskSpec,
} from './catalogue';
import type { Settings, Task } from './types';

export type { DataSource, Evaluation, Settings, SettingValue, Task, TaskInfo } from './types';
export * from './catalogue';

/** The datasets a task needs, loaded by the caller (Node: from disk; browser: from the server). */
export interface TaskData {
  mnist?: MnistLike;
  fashionMnist?: MnistLike;
  cifar10?: { train: RgbSet; test: RgbSet };
}

/** Builds a task for a seed from its settings (defaults filled in, checked against its spec) and its data. */
export type TaskBuilder = (settings: Settings, seed: number, data: TaskData) => Task;

const need = <K extends DatasetName>(data: TaskData, key: K, sentence: string): NonNullable<TaskData[K]> => {
  const d = data[key];
  if (!d) throw new Error(sentence);
  return d as NonNullable<TaskData[K]>;
};

/** The builder of every task in the catalogue, by id. */
const BUILDERS: Record<BuiltinTask, TaskBuilder> = {
  regression: (s, seed) => createRegression(s, seed),
  'functions-2d': (s, seed) => createFunctions2d(s, seed),
  'repeat-copy': (s, seed) => createRepeatCopy(s, seed),
  'mnist-mlp': (s, seed, d) => createMnistMlp(s, seed, need(d, 'mnist', 'mnist-mlp needs the MNIST data, which was not loaded.')),
  'fashion-convnet': (s, seed, d) =>
    createFashionConvnet(s, seed, need(d, 'fashionMnist', 'fashion-convnet needs the Fashion-MNIST data, which was not loaded.')),
  'cifar10-resnet': (s, seed, d) =>
    createCifarResnet(
      s,
      seed,
      need(
        d,
        'cifar10',
        'cifar10-resnet needs the CIFAR-10 binary batches, which were not loaded (give a folder with data_batch_1.bin … test_batch.bin).',
      ),
    ),
};

const builders = new Map<string, TaskBuilder>(Object.entries(BUILDERS));

/** Adds a task: its spec to the catalogue and its builder here. */
export function registerTask(spec: TaskSpec, build: TaskBuilder): void {
  registerTaskSpec(spec);
  builders.set(spec.id, build);
}

/** Tests only: removes a task added with `registerTask`. */
export function unregisterTask(id: string): void {
  unregisterTaskSpec(id);
  builders.delete(id);
}

/** Which dataset a task needs, if any. */
export function datasetOf(task: string): keyof TaskData | null {
  return taskSpec(task)?.dataset ?? null;
}

/**
 * Builds a task for a seed. Unknown tasks, misspelt or out-of-domain settings and missing data get a
 * sentence that says so.
 */
export function createTask(id: string, settings: Settings, seed: number, data: TaskData = {}): Task {
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${String(seed)}.`);
  const build = builders.get(id);
  if (!build) throw new Error(unknownTask(id));
  return build(taskSettings(id, settings), seed, data);
}
