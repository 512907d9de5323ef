/**
 * The trainer worker's protocol: types only (Comlink's habit). Every message carries a `runId`; the client
 * drops messages for runs it no longer tracks (TensorFlow Playground's generation counter).
 */
import type { RunStatus } from '../engine/runner';
import type { SerializedCheckpoint } from '../engine/snapshot';
import type { TraceChunk } from '../engine/trace';
import type { Settings } from '../tasks/types';

export const PROTOCOL_VERSION = 2;

import type { BackendChoice, BackendName } from '../engine/backend';

export type { BackendChoice, BackendName };

/** Everything needed to rebuild a run: serialisable, seeded. */
export interface RunConfig {
  readonly task: string;
  readonly taskSettings: Settings;
  /** An optimizer's id in the catalogue (optim/catalogue.ts). */
  readonly optimizer: string;
  readonly optimizerOptions: Readonly<Record<string, number | string>>;
  readonly seed: number;
  readonly steps: number;
  readonly evalEvery?: number;
  /** Record each step's quality (engine/runner.ts, `RunnerOptions.stepQuality`). */
  readonly stepQuality?: boolean;
  readonly backend?: BackendChoice;
  /** Backends not to use, with the reason (e.g. the one whose device was lost in this run's last attempt). */
  readonly avoid?: Readonly<Partial<Record<BackendName, string>>>;
}

export type ToWorker =
  | {
      readonly type: 'start';
      readonly v: number;
      readonly runId: string;
      readonly config: RunConfig;
      readonly paused?: boolean;
      /** Continue from this checkpoint (a run resumed after a reload). */
      readonly resume?: SerializedCheckpoint;
      /** The share of one CPU core this worker may use (see `share`); 1 when absent. */
      readonly share?: number;
    }
  | { readonly type: 'pause'; readonly runId: string }
  | { readonly type: 'resume'; readonly runId: string }
  | { readonly type: 'step'; readonly runId: string; readonly n: number }
  | { readonly type: 'stop'; readonly runId: string }
  | { readonly type: 'setHyper'; readonly runId: string; readonly patch: Readonly<Record<string, number>> }
  /**
   * The share of one core this worker may use, in (0, 1]: below 1 it trains in ~20 ms slices and rests in
   * between, so that more workers than cores leave the page's main thread room to respond.
   */
  | { readonly type: 'share'; readonly runId: string; readonly share: number }
  /** Liveness check: a worker that does not answer is treated as dead (killed, out of memory, device lost). */
  | { readonly type: 'ping'; readonly runId: string; readonly n: number };

export type FromWorker =
  | {
      readonly type: 'started';
      readonly runId: string;
      readonly backend: BackendName;
      /** Why the backend differs from the first choice, or null. */
      readonly fallbackReason: string | null;
      readonly description: string;
      readonly stepsPerEpoch: number;
      readonly hyper: Readonly<Record<string, number | boolean | null>>;
      /** The tfjs version that runs the training. */
      readonly tfjs: string;
      /** The GPU adapter, as the browser describes it, or null. */
      readonly adapter: string | null;
    }
  | { readonly type: 'chunk'; readonly runId: string; readonly chunk: TraceChunk }
  | {
      readonly type: 'status';
      readonly runId: string;
      readonly status: RunStatus;
      readonly step: number;
      readonly divergedAt: number | null;
      readonly reason?: string;
    }
  | { readonly type: 'error'; readonly runId: string; readonly message: string }
  | { readonly type: 'pong'; readonly runId: string; readonly n: number }
  /** Parameters and optimizer state every few seconds, so the page can resume the run after a reload. */
  | { readonly type: 'checkpoint'; readonly runId: string; readonly checkpoint: SerializedCheckpoint };

/** The part of a MessagePort / Worker / worker global scope the runtime needs. */
export interface Endpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener?(type: 'message', listener: (event: { data: unknown }) => void): void;
}
