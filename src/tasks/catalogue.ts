/**
 * The task catalogue: every task's spec (`<task>.meta.ts`), free of tfjs. Each builder lives in its task's file
 * and carries the spec (`createRegression.meta = regressionInfo`); index.ts finds it there by the id, and a test
 * fails for a spec without a builder. Adding a task is its file, its spec and its line here.
 */
import { resolveSettings } from '../lib/settings';
import { algoperfMnistInfo } from './algoperfMnist.meta';
import { cifarResnetInfo } from './cifarResnet.meta';
import { fashionConvnetInfo } from './fashionConvnet.meta';
import { functions2dInfo } from './functions2d.meta';
import { mnistMlpInfo } from './mnistMlp.meta';
import { regressionInfo } from './regression.meta';
import { repeatCopyInfo } from './repeatCopy.meta';
import { stepbackMnistInfo } from './stepbackMnist.meta';
import type { TaskSpec } from './spec';

export type { DatasetName, TaskSpec } from './spec';

/** In the builder's order. */
const BUILTIN = [
  functions2dInfo,
  regressionInfo,
  mnistMlpInfo,
  algoperfMnistInfo,
  stepbackMnistInfo,
  fashionConvnetInfo,
  cifarResnetInfo,
  repeatCopyInfo,
] as const;

const registry = new Map<string, TaskSpec>(BUILTIN.map((s) => [s.id, s]));

/** Adds a task spec (`registerTask` in index.ts adds its builder too). */
export function registerTaskSpec(spec: TaskSpec): void {
  if (registry.has(spec.id)) throw new Error(`A task "${spec.id}" is already registered.`);
  registry.set(spec.id, spec);
}

/** Tests only: removes a task added with `registerTaskSpec`. */
export function unregisterTaskSpec(id: string): void {
  if (BUILTIN.some((s) => s.id === id)) throw new Error(`"${id}" is built in.`);
  registry.delete(id);
}

export const taskSpecs = (): TaskSpec[] => [...registry.values()];
export const taskIds = (): string[] => [...registry.keys()];
export const taskSpec = (id: string): TaskSpec | undefined => registry.get(id);
export const taskTitle = (id: string): string => registry.get(id)?.shortTitle ?? id;
export const unknownTask = (id: string): string => `Unknown task "${id}". Known: ${taskIds().join(', ')}.`;

/** A task's settings with defaults filled in; an unknown key or a value outside its domain throws a sentence. */
export function taskSettings(id: string, given: Readonly<Record<string, unknown>>): Record<string, number | string> {
  const spec = registry.get(id);
  if (!spec) throw new Error(unknownTask(id));
  return resolveSettings(`The task ${id}`, spec.settings, given);
}
