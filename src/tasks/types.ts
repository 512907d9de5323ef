import type * as tf from '@tensorflow/tfjs';

export type SettingValue = number | string | boolean;
export type Settings = Readonly<Record<string, SettingValue>>;

/** Evaluation on held-out data (classification tasks). */
export interface Evaluation {
  readonly testLoss: number;
  readonly testAccuracy?: number;
}

/**
 * A task built for one seed: its parameters (initialised from the seed's `init` stream) and its batches
 * (chosen by the seed's `batches` stream and the step). Two tasks built with the same settings and seed
 * are identical whatever optimizer trains them: runs are paired.
 */
export interface Task {
  readonly id: string;
  /** What the task is, with its settings and known limits (e.g. the float32 floor of `regression`). */
  readonly description: string;
  readonly settings: Settings;
  readonly params: tf.Variable[];
  /** Steps per epoch (1 for full-batch tasks). */
  readonly stepsPerEpoch: number;
  /**
   * The loss of the batch for step t (0-based). Call it inside a tidy: it creates the batch's tensors.
   * The returned function is what gets differentiated.
   */
  batchLoss(step: number): () => tf.Scalar;
  /** Loss (and accuracy) on held-out data, when the task has any. */
  evaluate?(): Promise<Evaluation>;
  /** Steps between evaluations, when not once per epoch (a task with a target on held-out data looks more often). */
  readonly evalEvery?: number;
  dispose(): void;
}

/** How a task is described to the UI and the CLI: its spec (spec.ts). */
export type { TaskSpec as TaskInfo } from './spec';

/** Reads a dataset file by name (Node: from disk; browser: from the server or a dropped file). */
export type DataSource = (file: string) => Promise<Uint8Array>;
