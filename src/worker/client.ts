import type { SerializedCheckpoint } from '../engine/snapshot';
import type { TraceChunk } from '../engine/trace';
import { PROTOCOL_VERSION, type Endpoint, type FromWorker, type RunConfig, type ToWorker } from './protocol';

export interface RunCallbacks {
  onStarted?(msg: Extract<FromWorker, { type: 'started' }>): void;
  onChunk?(chunk: TraceChunk): void;
  onStatus?(msg: Extract<FromWorker, { type: 'status' }>): void;
  onError?(message: string): void;
  onCheckpoint?(checkpoint: SerializedCheckpoint): void;
}

/**
 * The page's handle on one trainer worker (or any endpoint serving the protocol). Each `start` gets a new
 * runId; messages for any other runId are dropped, so a restarted run never receives the old run's chunks.
 */
export interface WatchdogOptions {
  /** How often to ask a live run's worker whether it is alive (ms). */
  readonly pingMs: number;
  /** How long a worker may stay silent before its run is failed (ms). */
  readonly timeoutMs: number;
}

export const DEAD_WORKER_REASON = 'the worker stopped responding (it was killed, ran out of memory, or lost its GPU device)';

export class RunClient {
  private generation = 0;
  private runId: string | null = null;
  private callbacks: RunCallbacks = {};
  private lastHeard = 0;
  private pings = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly listener = (event: { data: unknown }) => this.receive(event.data as FromWorker);
  private readonly onError = (event: { message?: string }) =>
    this.fail(`the worker failed: ${event?.message || 'an error outside the training loop'}`);

  constructor(
    private readonly ep: Endpoint,
    private readonly name = 'run',
    private readonly watchdog: WatchdogOptions = { pingMs: 2000, timeoutMs: 15000 },
  ) {
    ep.addEventListener('message', this.listener);
    (ep as unknown as EventTarget).addEventListener?.('error', this.onError as EventListener);
    (ep as { start?: () => void }).start?.();
  }

  get currentRunId(): string | null {
    return this.runId;
  }

  start(
    config: RunConfig,
    callbacks: RunCallbacks,
    { paused = false, resume }: { paused?: boolean; resume?: SerializedCheckpoint } = {},
  ): string {
    this.runId = `${this.name}-${++this.generation}`;
    this.callbacks = callbacks;
    this.send({ type: 'start', v: PROTOCOL_VERSION, runId: this.runId, config, paused, ...(resume ? { resume } : {}) });
    this.lastHeard = Date.now();
    this.stopWatchdog();
    // A killed worker (out of memory, device lost) sends nothing, not even an error: ask it now and then.
    this.timer = setInterval(() => {
      if (!this.runId) return;
      if (Date.now() - this.lastHeard > this.watchdog.timeoutMs) this.fail(DEAD_WORKER_REASON);
      else this.send({ type: 'ping', runId: this.runId, n: ++this.pings });
    }, this.watchdog.pingMs);
    return this.runId;
  }

  private stopWatchdog(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Ends the current run as failed, as if the worker had said so, and stops listening for it. */
  private fail(reason: string): void {
    const runId = this.runId;
    if (!runId) return;
    this.stopWatchdog();
    this.callbacks.onStatus?.({ type: 'status', runId, status: 'failed', step: -1, divergedAt: null, reason });
    this.runId = null;
  }

  pause(): void {
    this.command({ type: 'pause' });
  }
  resume(): void {
    this.command({ type: 'resume' });
  }
  step(n = 1): void {
    this.command({ type: 'step', n });
  }
  stop(): void {
    this.command({ type: 'stop' });
  }
  setHyper(patch: Record<string, number>): void {
    this.command({ type: 'setHyper', patch });
  }
  /** The share of a core the worker may use (0, 1]. */
  share(share: number): void {
    this.command({ type: 'share', share });
  }

  dispose(): void {
    this.runId = null;
    this.stopWatchdog();
    this.ep.removeEventListener?.('message', this.listener);
    (this.ep as unknown as EventTarget).removeEventListener?.('error', this.onError as EventListener);
  }

  private command(msg: { type: Exclude<ToWorker['type'], 'start' | 'ping'> } & Record<string, unknown>): void {
    if (this.runId) this.send({ ...msg, runId: this.runId } as ToWorker);
  }

  private send(msg: ToWorker): void {
    this.ep.postMessage(msg);
  }

  private receive(msg: FromWorker): void {
    if (msg.runId !== this.runId) return; // stale: from a run this client no longer tracks
    this.lastHeard = Date.now();
    switch (msg.type) {
      case 'started':
        this.callbacks.onStarted?.(msg);
        break;
      case 'chunk':
        this.callbacks.onChunk?.(msg.chunk);
        break;
      case 'status':
        if (['done', 'diverged', 'stopped', 'failed'].includes(msg.status)) this.stopWatchdog();
        this.callbacks.onStatus?.(msg);
        break;
      case 'error':
        this.callbacks.onError?.(msg.message);
        break;
      case 'checkpoint':
        this.callbacks.onCheckpoint?.(msg.checkpoint);
        break;
    }
  }
}
