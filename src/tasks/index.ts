import { BUILT_BY_VITE, byMetaId, importFolders } from '../lib/modules';
import { datasetSpec } from './data/catalogue';
import type { FormatData } from './data/load';
import { notLoaded } from './data/spec';
import {
  registerTaskSpec,
  taskIds,
  taskSettings,
  taskSpec,
  unknownTask,
  unregisterTaskSpec,
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

/** A task's own builder as its module exports it (its data is its dataset's, if it has one), its spec attached. */
type OwnBuilder = ((settings: Settings, seed: number, data: never) => Task) & { readonly meta: TaskSpec };

const isOwnBuilder = (x: unknown): x is OwnBuilder =>
  typeof x === 'function' && 'meta' in x && typeof (x.meta as Partial<TaskSpec> | undefined)?.id === 'string';

/**
 * The task modules by path (`./regression.ts`): every file of this folder but the specs, the tests and this one;
 * Vite lists them when it builds, Node on disk (lib/modules.ts; a test holds the two lists equal).
 */
const taskModules: Readonly<Record<string, object>> = BUILT_BY_VITE
  ? import.meta.glob<object>(['./*.ts', '!./*.{meta,test}.ts', '!./index.ts'], { eager: true })
  : await importFolders(import.meta.url, ['.']);

/** The task modules' paths, sorted. */
export const taskModuleFiles = (): string[] => Object.keys(taskModules).sort();

/**
 * The builders among the modules' exports, by id (`createRegression.meta = regressionInfo`), each handed its
 * dataset's data or the sentence that it was not loaded; two different builders of one id are an error.
 */
export function findBuilders(modules: Readonly<Record<string, object>>): Map<string, TaskBuilder> {
  const own = byMetaId(modules, isOwnBuilder, 'builders', 'task');
  const withData = ([id, b]: [string, OwnBuilder]): [string, TaskBuilder] => {
    const dataset = b.meta.dataset;
    const build = b as unknown as (s: Settings, seed: number, data?: unknown) => Task;
    return [id, (s, seed, data) => build(s, seed, dataset ? need(data, id, dataset) : undefined)];
  };
  return new Map([...own].map(withData));
}

const builders = findBuilders(taskModules);

/** The catalogue's tasks that have no builder: none (a test holds it). */
export const withoutBuilder = (): string[] => taskIds().filter((id) => !builders.has(id));

/** The builders whose task is not in the catalogue (a builder without its line there): none (a test holds it). */
export const withoutTaskSpec = (): string[] => [...builders.keys()].filter((id) => !taskSpec(id));

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
