import type { BackendName } from '../engine/backend';
import type { SerializedCheckpoint } from '../engine/snapshot';
import { DEAD_WORKER_REASON, RunClient, type RunCallbacks, type WatchdogOptions } from './client';
import type { RunConfig } from './protocol';
import { createWorker, type WorkerLike } from './spawn';

/** A run handed to the pool. */
export interface PoolJob {
  /** Unique among the pool's jobs; a job submitted again under the same id replaces the old one. */
  readonly id: string;
  readonly config: RunConfig;
  readonly callbacks: RunCallbacks;
  readonly paused?: boolean;
  readonly resume?: SerializedCheckpoint;
  /** Called when a queued job gets its worker (a job started at once is launched inside `submit`). */
  readonly onLaunch?: () => void;
}

export type PoolCommand = 'pause' | 'resume' | 'stop' | { step: number } | { setHyper: Record<string, number> };

/**
 * Workers that may train at once: the machine's cores (at least 2, at most 8). More workers than cores cost
 * more than they give: each trains on one core, and the rest only time-share it (BENCHMARKS.md, the page's
 * parallel runs). `?pool=N` in the page's address overrides it (the parallel-runs benchmark compares N = 1 with
 * the default).
 */
export function defaultPoolSize(): number {
  const asked = Number(new URLSearchParams(globalThis.location?.search ?? '').get('pool'));
  if (Number.isInteger(asked) && asked >= 1 && asked <= 16) return asked;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(2, Math.min(8, cores));
}

/**
 * The share of a core each training worker may use: with more busy workers than cores, all of them (and
 * the page) would compete for the CPU and every main-thread task would stretch several-fold. Workers
 * together leave half a core to the page; with cores to spare each gets a whole one.
 */
export function workerShare(busyWorkers: number, cores = globalThis.navigator?.hardwareConcurrency ?? 2): number {
  if (busyWorkers <= 0) return 1;
  return Math.min(1, Math.max(0.1, (cores - 0.5) / busyWorkers));
}

const FINAL = new Set(['done', 'diverged', 'stopped', 'failed']);

interface Live {
  readonly job: PoolJob;
  readonly client: RunClient;
  readonly worker: WorkerLike;
  paused: boolean;
  backend: BackendName | null;
}

/**
 * THE worker pool (squoosh's WorkerBridge habit), for the lab's runs, the tuning grid and the teaching page:
 * at most `size()` workers train at once and the rest wait in order; every live worker is told its share of
 * the CPU whenever one starts, ends, pauses or resumes; a finished run's worker is freed at once; a worker that
 * stops answering is failed by its client's watchdog; and a run restarted after its worker died (or lost its
 * GPU device) avoids the backend it died on.
 */
export class WorkerPool {
  private readonly live = new Map<string, Live>();
  private readonly queue: PoolJob[] = [];
  private readonly lastFailure = new Map<string, { backend: BackendName; reason: string }>();

  constructor(
    private readonly size: () => number = defaultPoolSize,
    private readonly watchdog?: WatchdogOptions,
  ) {}

  /** Starts the job now if there is room, else queues it. Returns which. */
  submit(job: PoolJob): 'started' | 'queued' {
    this.cancel(job.id);
    if (this.live.size < this.size()) {
      this.launch(job);
      return 'started';
    }
    this.queue.push(job);
    return 'queued';
  }

  isQueued(id: string): boolean {
    return this.queue.some((j) => j.id === id);
  }

  /** Whether the job has a worker now. */
  isLive(id: string): boolean {
    return this.live.has(id);
  }

  /** A command for a job's run; a queued job that is stopped leaves the queue. Returns whether it reached one. */
  command(id: string, cmd: PoolCommand): boolean {
    if (cmd === 'stop' && this.isQueued(id)) {
      this.queue.splice(
        this.queue.findIndex((j) => j.id === id),
        1,
      );
      return true;
    }
    const c = this.live.get(id)?.client;
    if (!c) return false;
    if (cmd === 'pause') c.pause();
    else if (cmd === 'resume') c.resume();
    else if (cmd === 'stop') c.stop();
    else if ('step' in cmd) c.step(cmd.step);
    else c.setHyper(cmd.setHyper);
    return true;
  }

  /** Drops a job without a word to its callbacks: out of the queue, or its worker terminated. */
  cancel(id: string): void {
    const q = this.queue.findIndex((j) => j.id === id);
    if (q >= 0) this.queue.splice(q, 1);
    if (this.live.has(id)) this.free(id);
  }

  /** Cancels every job whose id passes `which` (all by default). */
  cancelAll(which: (id: string) => boolean = () => true): void {
    for (const j of [...this.queue]) if (which(j.id)) this.cancel(j.id);
    for (const id of [...this.live.keys()]) if (which(id)) this.cancel(id);
  }

  /** Fault injection for tests: kills a job's worker without telling anyone, as an out-of-memory kill would. */
  kill(id: string): boolean {
    const l = this.live.get(id);
    l?.worker.terminate();
    return l !== undefined;
  }

  private launch(job: PoolJob): void {
    let config = job.config;
    const failed = this.lastFailure.get(job.id);
    if (failed && config.backend !== failed.backend) {
      config = { ...config, avoid: { ...config.avoid, [failed.backend]: `the last attempt of this run failed on it (${failed.reason})` } };
    }
    this.lastFailure.delete(job.id);
    const worker = createWorker();
    const client = new RunClient(worker, job.id, this.watchdog);
    const entry: Live = { job, client, worker, paused: job.paused ?? false, backend: null };
    this.live.set(job.id, entry);
    job.onLaunch?.();
    const cb = job.callbacks;
    client.start(
      config,
      {
        ...cb,
        onStarted: (m) => {
          entry.backend = m.backend;
          cb.onStarted?.(m);
        },
        onStatus: (m) => {
          if (this.live.get(job.id) !== entry) return;
          if (m.status === 'failed' && entry.backend && (m.reason === DEAD_WORKER_REASON || /device|lost/i.test(m.reason ?? ''))) {
            this.lastFailure.set(job.id, { backend: entry.backend, reason: m.reason ?? 'it failed' });
          }
          entry.paused = m.status === 'paused';
          // A finished run's worker has nothing left to do: free it, and let a queued run start.
          if (FINAL.has(m.status)) this.free(job.id);
          else this.rebalance();
          cb.onStatus?.(m);
        },
      },
      { paused: job.paused ?? false, ...(job.resume ? { resume: job.resume } : {}) },
    );
    this.rebalance();
  }

  private free(id: string): void {
    const l = this.live.get(id);
    if (!l) return;
    this.live.delete(id);
    l.client.dispose();
    l.worker.terminate();
    while (this.queue.length > 0 && this.live.size < this.size()) this.launch(this.queue.shift()!);
    this.rebalance();
  }

  /** Tells every live worker its share of the CPU. */
  private rebalance(): void {
    const share = workerShare([...this.live.values()].filter((l) => !l.paused).length);
    for (const l of this.live.values()) l.client.share(share);
  }
}
