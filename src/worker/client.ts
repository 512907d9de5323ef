import type { TraceChunk } from '../engine/trace';
import { PROTOCOL_VERSION, type Endpoint, type FromWorker, type RunConfig, type ToWorker } from './protocol';

export interface RunCallbacks {
  onStarted?(msg: Extract<FromWorker, { type: 'started' }>): void;
  onChunk?(chunk: TraceChunk): void;
  onStatus?(msg: Extract<FromWorker, { type: 'status' }>): void;
  onError?(message: string): void;
}

/**
 * The page's handle on one trainer worker (or any endpoint serving the protocol). Each `start` gets a new
 * runId; messages for any other runId are dropped, so a restarted run never receives the old run's chunks.
 */
export class RunClient {
  private generation = 0;
  private runId: string | null = null;
  private callbacks: RunCallbacks = {};
  private readonly listener = (event: { data: unknown }) => this.receive(event.data as FromWorker);

  constructor(
    private readonly ep: Endpoint,
    private readonly name = 'run',
  ) {
    ep.addEventListener('message', this.listener);
    (ep as { start?: () => void }).start?.();
  }

  get currentRunId(): string | null {
    return this.runId;
  }

  start(config: RunConfig, callbacks: RunCallbacks, { paused = false }: { paused?: boolean } = {}): string {
    this.runId = `${this.name}-${++this.generation}`;
    this.callbacks = callbacks;
    this.send({ type: 'start', v: PROTOCOL_VERSION, runId: this.runId, config, paused });
    return this.runId;
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
  rewind(step: number): void {
    this.command({ type: 'rewind', step });
  }

  dispose(): void {
    this.runId = null;
    this.ep.removeEventListener?.('message', this.listener);
  }

  private command(msg: { type: Exclude<ToWorker['type'], 'start'> } & Record<string, unknown>): void {
    if (this.runId) this.send({ ...msg, runId: this.runId } as ToWorker);
  }

  private send(msg: ToWorker): void {
    this.ep.postMessage(msg);
  }

  private receive(msg: FromWorker): void {
    if (msg.runId !== this.runId) return; // stale: from a run this client no longer tracks
    switch (msg.type) {
      case 'started':
        this.callbacks.onStarted?.(msg);
        break;
      case 'chunk':
        this.callbacks.onChunk?.(msg.chunk);
        break;
      case 'status':
        this.callbacks.onStatus?.(msg);
        break;
      case 'error':
        this.callbacks.onError?.(msg.message);
        break;
    }
  }
}
