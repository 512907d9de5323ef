/**
 * What a task is, as data: its settings with their domains, its dataset, its length, its memory, which
 * charts apply. Free of tfjs: the page's main thread, the URL codec, the CLI and the tests read it. Each
 * task declares one beside its code (`<task>.meta.ts`); `catalogue.ts` lists them.
 */
import type { SettingSpec } from '../lib/settings';
import type { DatasetName } from './data/catalogue';

export type { DatasetName };

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface TaskSpec {
  readonly id: string;
  readonly title: string;
  /** The title in the builder's list. */
  readonly shortTitle: string;
  readonly settings: readonly SettingSpec[];
  /** The settings' defaults (optional settings without a value are absent). */
  readonly defaults: Readonly<Record<string, number | string>>;
  readonly dataset: DatasetName | null;
  /** Default training length in steps. */
  readonly defaultSteps: number;
  /** Rough memory of one training worker in MB: tfjs and its backend, the data, the model, traces. */
  readonly memoryMB: number;
  /** Whether the task has held-out data: test charts and the final evaluation apply only then. */
  readonly hasTest: boolean;
  /** The Adam learning rate the paper ran on this task (its tuned baseline), where it ran one. */
  readonly paperAdamLr?: number;
  /**
   * A fixed target on held-out data (AlgoPerf's way), reached at the first evaluation past it; the benchmark times
   * every optimizer to it instead of to the tuned baseline's best loss.
   */
  readonly target?: TaskTarget;
  /** Backends that cannot train this task, each with the reason (shown when the choice falls back). */
  readonly unsupportedBackends?: Readonly<Partial<Record<BackendName, string>>>;
}

/** A fixed target on an evaluation column: reached when the value is above `above`. */
export interface TaskTarget {
  readonly column: 'testAccuracy';
  readonly above: number;
  /** What it is, in words, for the reports. */
  readonly label: string;
}

/** A task spec with its defaults derived from its settings. */
export function defineTask(spec: Omit<TaskSpec, 'defaults'>): TaskSpec {
  return { ...spec, defaults: Object.fromEntries(spec.settings.filter((s) => !s.optional).map((s) => [s.key, s.default])) };
}
