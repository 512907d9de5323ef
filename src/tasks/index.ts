import { createAlgoperfMnist } from './algoperfMnist';
import { createCifarResnet } from './cifarResnet';
import { datasetSpec } from './data/catalogue';
import type { FormatData } from './data/load';
import { notLoaded } from './data/spec';
import { createFashionConvnet } from './fashionConvnet';
import { createFunctions2d } from './functions2d';
import { createMnistMlp } from './mnistMlp';
import { createRegression } from './regression';
import { createRepeatCopy } from './repeatCopy';
import { createStepbackMnist } from './stepbackMnist';
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
import type { DatasetFormat } from './data/catalogue';
import type { Settings, Task } from './types';

export type { DataSource, Evaluation, Settings, SettingValue, Task, TaskInfo } from './types';
export * from './catalogue';

/** The datasets a task needs by id, loaded by the caller (Node: from disk; browser: from the server or the user's files). */
export type TaskData = { [K in DatasetName]?: FormatData[DatasetFormat<K>] };

/** Builds a task for a seed from its settings (defaults filled in, checked against its spec) and its data. */
export type TaskBuilder = (settings: Settings, seed: number, data: TaskData) => Task;

/** The task's dataset, or the sentence that says it was not loaded. */
const need = <K extends DatasetName>(data: TaskData, task: string, key: K): NonNullable<TaskData[K]> => {
  const d = data[key];
  if (!d) throw new Error(notLoaded(task, datasetSpec(key)!));
  return d as NonNullable<TaskData[K]>;
};

/** The builder of every task in the catalogue, by id. */
const BUILDERS: Record<BuiltinTask, TaskBuilder> = {
  regression: (s, seed) => createRegression(s, seed),
  'functions-2d': (s, seed) => createFunctions2d(s, seed),
  'repeat-copy': (s, seed) => createRepeatCopy(s, seed),
  'mnist-mlp': (s, seed, d) => createMnistMlp(s, seed, need(d, 'mnist-mlp', 'mnist')),
  'algoperf-mnist': (s, seed, d) => createAlgoperfMnist(s, seed, need(d, 'algoperf-mnist', 'mnist')),
  'stepback-mnist': (s, seed, d) => createStepbackMnist(s, seed, need(d, 'stepback-mnist', 'mnist')),
  'fashion-convnet': (s, seed, d) => createFashionConvnet(s, seed, need(d, 'fashion-convnet', 'fashionMnist')),
  'cifar10-resnet': (s, seed, d) => createCifarResnet(s, seed, need(d, 'cifar10-resnet', 'cifar10')),
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
