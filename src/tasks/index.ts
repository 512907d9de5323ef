import type { MnistLike } from './data/mnist';
import { cifarResnetInfo, createCifarResnet } from './cifarResnet';
import type { RgbSet } from './data/cifar';
import { createFashionConvnet, fashionConvnetInfo } from './fashionConvnet';
import { createFunctions2d, functions2dInfo } from './functions2d';
import { createMnistMlp, mnistMlpInfo } from './mnistMlp';
import { createRegression, regressionInfo } from './regression';
import { createRepeatCopy, repeatCopyInfo } from './repeatCopy';
import type { Settings, Task, TaskInfo } from './types';

export type { DataSource, Evaluation, Settings, SettingValue, Task, TaskInfo } from './types';

/** Every task the engine can build, with its defaults. */
export const TASKS: Record<string, TaskInfo> = {
  regression: regressionInfo,
  'functions-2d': functions2dInfo,
  'mnist-mlp': mnistMlpInfo,
  'fashion-convnet': fashionConvnetInfo,
  'repeat-copy': repeatCopyInfo,
  'cifar10-resnet': cifarResnetInfo,
};

/** The datasets a task needs, loaded by the caller (Node: from disk; browser: from the server). */
export interface TaskData {
  mnist?: MnistLike;
  fashionMnist?: MnistLike;
  cifar10?: { train: RgbSet; test: RgbSet };
}

/** Which dataset a task needs, if any. */
export function datasetOf(task: string): keyof TaskData | null {
  if (task === 'mnist-mlp') return 'mnist';
  if (task === 'fashion-convnet') return 'fashionMnist';
  if (task === 'cifar10-resnet') return 'cifar10';
  return null;
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
    case 'repeat-copy':
      return createRepeatCopy(settings, seed);
    case 'fashion-convnet':
      if (!data.fashionMnist) throw new Error('fashion-convnet needs the Fashion-MNIST data, which was not loaded.');
      return createFashionConvnet(settings, seed, data.fashionMnist);
    case 'cifar10-resnet':
      if (!data.cifar10) throw new Error('cifar10-resnet needs the CIFAR-10 binary batches, which were not loaded (give a folder with data_batch_1.bin … test_batch.bin).');
      return createCifarResnet(settings, seed, data.cifar10);
    default:
      throw new Error(`Unknown task "${id}". Known: ${Object.keys(TASKS).join(', ')}.`);
  }
}
