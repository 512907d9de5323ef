import { version as tfVersion } from '@tensorflow/tfjs';
import { chooseBackend, type BackendProbe } from '../engine/backend';
import { checkpointBuffers, type SerializedCheckpoint } from '../engine/snapshot';
import { Runner } from '../engine/runner';
import { transferables } from '../engine/trace';
import { yieldToEventLoop } from '../lib/yield';
import { createTask, datasetOf, taskSpec, type TaskData } from '../tasks';
import { PROTOCOL_VERSION, type Endpoint, type FromWorker, type RunConfig, type ToWorker } from './protocol';

/** What the runtime needs from its environment (the browser worker, or Node in tests and the CLI). */
export interface WorkerEnv {
  readonly probe: BackendProbe;
  /** Loads the dataset a task needs (MNIST …). */
  loadData(dataset: keyof TaskData): Promise<TaskData>;
  /** Read back and post a chunk about this often (ms). Default 100 (≈ 10 chunks per second). */
  readonly flushMs?: number;
  /** Post a checkpoint (parameters + optimizer state) about this often (ms); 0 never. Default 5000. */
  readonly checkpointMs?: number;
}

/**
 * Serves one run at a time over an endpoint (Comlink's `expose(obj, ep)` habit): tests drive it over a
 * `MessageChannel` in Node, the browser over the worker's global scope. Every async handler catches its own
 * errors and posts them (an exception in an async `onmessage` never reaches `worker.onerror`).
 */
export function serve(ep: Endpoint, env: WorkerEnv): () => void {
  let current: ActiveRun | null = null;
  const post = (msg: FromWorker, transfer: Transferable[] = []) => ep.postMessage(msg, transfer);
  const listener = (event: { data: unknown }) => {
    const msg = event.data as ToWorker;
    void handle(msg).catch((e: unknown) => {
      const runId = (msg as { runId?: string }).runId ?? '';
      post({ type: 'error', runId, message: e instanceof Error ? e.message : String(e) });
    });
  };
  const handle = async (msg: ToWorker) => {
    if (msg.type === 'start') {
      if (msg.v !== PROTOCOL_VERSION) throw new Error(`Protocol version ${msg.v} is not ${PROTOCOL_VERSION}: reload the page.`);
      current?.abort.abort();
      const run = new ActiveRun(msg.runId, msg.config, post, env, msg.paused ?? false, msg.resume);
      if (msg.share !== undefined) run.command({ type: 'share', runId: msg.runId, share: msg.share });
      current = run;
      await run.start();
      return;
    }
    if (!current || current.runId !== msg.runId) return; // a stale run: dropped
    if (msg.type === 'ping') {
      post({ type: 'pong', runId: msg.runId, n: msg.n });
      return;
    }
    current.command(msg);
  };
  ep.addEventListener('message', listener);
  (ep as { start?: () => void }).start?.();
  return () => {
    current?.abort.abort();
    ep.removeEventListener?.('message', listener);
  };
}

/** Training slice length when a run may use less than a whole core (ms). */
const SLICE_MS = 20;

class ActiveRun {
  readonly abort = new AbortController();
  private runner: Runner | null = null;
  private paused: boolean;
  private budget = 0;
  private wake: (() => void) | null = null;
  /** The share of a core this run may use (see the protocol's `share`). */
  private share = 1;

  constructor(
    readonly runId: string,
    private readonly config: RunConfig,
    private readonly post: (msg: FromWorker, transfer?: Transferable[]) => void,
    private readonly env: WorkerEnv,
    startPaused: boolean,
    private readonly resume?: SerializedCheckpoint,
  ) {
    this.paused = startPaused;
  }

  async start(): Promise<void> {
    const { runId, config } = this;
    try {
      const avoid = { ...config.avoid, ...taskSpec(config.task)?.unsupportedBackends };
      const { backend, fallbackReason } = await chooseBackend(config.backend ?? 'auto', this.env.probe, avoid);
      const dataset = datasetOf(config.task);
      const data = dataset ? await this.env.loadData(dataset) : {};
      const task = createTask(config.task, config.taskSettings, config.seed, data);
      this.runner = new Runner(task, config.optimizer, config.optimizerOptions, {
        steps: config.steps,
        ...(config.evalEvery !== undefined ? { evalEvery: config.evalEvery } : {}),
        ...(config.checkpointEvery !== undefined ? { checkpointEvery: config.checkpointEvery } : {}),
      });
      if (this.resume) this.runner.restoreCheckpoint(this.resume);
      this.post({
        type: 'started',
        runId,
        backend,
        fallbackReason,
        description: task.description,
        stepsPerEpoch: task.stepsPerEpoch,
        hyper: this.runner.hyper,
        tfjs: tfVersion.tfjs,
        adapter: (await this.env.probe.describeAdapter?.().catch(() => null)) ?? null,
      });
      await this.loop();
    } catch (e) {
      this.status('failed', e instanceof Error ? e.message : String(e));
    } finally {
      this.runner?.dispose();
      this.runner = null;
    }
  }

  command(msg: Exclude<ToWorker, { type: 'start' } | { type: 'ping' }>): void {
    const r = this.runner;
    switch (msg.type) {
      case 'pause':
        this.paused = true;
        this.budget = 0;
        break;
      case 'resume':
        this.paused = false;
        break;
      case 'step':
        this.budget += Math.max(0, Math.floor(msg.n));
        break;
      case 'stop':
        this.abort.abort();
        break;
      case 'setHyper':
        try {
          r?.setHyper(msg.patch);
        } catch (e) {
          this.post({ type: 'error', runId: this.runId, message: (e as Error).message });
        }
        break;
      case 'share':
        this.share = Number.isFinite(msg.share) ? Math.min(1, Math.max(0.05, msg.share)) : 1;
        break;
      case 'rewind':
        if (r) {
          try {
            r.rewind(msg.step);
            this.paused = true;
          } catch (e) {
            this.post({ type: 'error', runId: this.runId, message: (e as Error).message });
          }
        }
        break;
    }
    this.wake?.();
  }

  private status(status: Runner['status'], reason?: string): void {
    const r = this.runner;
    this.post({
      type: 'status',
      runId: this.runId,
      status,
      step: r?.flushedStep ?? 0,
      divergedAt: r?.divergedAt ?? null,
      ...(reason !== undefined ? { reason } : {}),
    });
  }

  /** Posts what has been computed, then lets incoming commands (pause, setHyper …) be handled. */
  private async flush(): Promise<void> {
    const chunk = await this.runner!.flush();
    if (chunk) this.post({ type: 'chunk', runId: this.runId, chunk }, transferables(chunk));
    await yieldToEventLoop();
  }

  private async loop(): Promise<void> {
    const r = this.runner!;
    const flushMs = this.env.flushMs ?? 100;
    const checkpointMs = this.env.checkpointMs ?? 5000;
    let last = performance.now();
    let lastCheckpoint = performance.now();
    const maybeCheckpoint = async () => {
      if (checkpointMs <= 0 || performance.now() - lastCheckpoint < checkpointMs || r.divergedAt !== null) return;
      lastCheckpoint = performance.now();
      const checkpoint = await r.exportCheckpoint();
      this.post({ type: 'checkpoint', runId: this.runId, checkpoint }, checkpointBuffers(checkpoint));
    };
    let reported: string | null = null;
    const report = () => {
      const s = this.abort.signal.aborted ? 'stopped' : this.paused && this.budget === 0 ? 'paused' : 'running';
      if (s !== reported) {
        r.status = s;
        this.status(s);
        reported = s;
      }
    };
    // Below a full share of a core, train in slices of SLICE_MS and rest in proportion after each.
    let slice = performance.now();
    // Only called below a full share: a run with a whole core pays nothing per step.
    const rest = async () => {
      const busy = performance.now() - slice;
      if (busy < SLICE_MS) return;
      // A slice stretched by other threads is not charged in full (the rest would then waste a core).
      await new Promise((resolve) => setTimeout(resolve, Math.min(busy, 1.5 * SLICE_MS) * (1 / this.share - 1)));
      // A pause that came in during the rest: send the steps before it first, so "paused" follows them.
      if (this.paused && this.budget === 0) await this.flush();
      slice = performance.now();
    };
    while (!r.finished && !this.abort.signal.aborted) {
      report();
      if (this.paused && this.budget === 0) {
        await this.flush();
        // Commands that arrived during the flush may already have resumed or stopped the run.
        if (this.paused && this.budget === 0 && !this.abort.signal.aborted) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
        }
        slice = performance.now();
        continue;
      }
      r.trainStep();
      if (this.budget > 0) this.budget--;
      if (r.evalDue) {
        await this.flush();
        if (r.divergedAt === null) await r.evaluate();
        await this.flush();
        last = performance.now();
      } else if (performance.now() - last >= flushMs || (this.paused && this.budget === 0)) {
        await this.flush();
        await maybeCheckpoint();
        last = performance.now();
      }
      if (this.share < 1) await rest();
    }
    await this.flush();
    const end = this.abort.signal.aborted ? 'stopped' : r.status === 'diverged' ? 'diverged' : 'done';
    r.status = end;
    this.status(end);
  }
}
