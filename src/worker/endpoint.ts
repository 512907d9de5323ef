import { version as tfVersion } from '@tensorflow/tfjs';
import { chooseBackend, type BackendProbe } from '../engine/backend';
import { checkpointBuffers, type SerializedCheckpoint } from '../engine/snapshot';
import { runLoop, RunControl } from '../engine/loop';
import { Runner } from '../engine/runner';
import { transferables } from '../engine/trace';
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

/** One run in this worker: builds the runner, then hands it to the engine's loop (engine/loop.ts). */
class ActiveRun {
  readonly abort = new AbortController();
  private runner: Runner | null = null;
  private readonly control: RunControl;

  constructor(
    readonly runId: string,
    private readonly config: RunConfig,
    private readonly post: (msg: FromWorker, transfer?: Transferable[]) => void,
    private readonly env: WorkerEnv,
    startPaused: boolean,
    private readonly resume?: SerializedCheckpoint,
  ) {
    this.control = new RunControl({ paused: startPaused });
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
        ...(config.stepQuality ? { stepQuality: true } : {}),
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
      const r = this.runner;
      await runLoop(r, {
        flushMs: this.env.flushMs ?? 100,
        checkpointMs: this.env.checkpointMs ?? 5000,
        signal: this.abort.signal,
        control: this.control,
        onChunk: (chunk) => this.post({ type: 'chunk', runId, chunk }, transferables(chunk)),
        onStatus: (status) => this.status(status),
        onCheckpoint: (checkpoint) => this.post({ type: 'checkpoint', runId, checkpoint }, checkpointBuffers(checkpoint)),
      });
    } catch (e) {
      this.status('failed', e instanceof Error ? e.message : String(e));
    } finally {
      this.runner?.dispose();
      this.runner = null;
    }
  }

  command(msg: Exclude<ToWorker, { type: 'start' } | { type: 'ping' }>): void {
    switch (msg.type) {
      case 'pause':
        return this.control.pause();
      case 'resume':
        return this.control.resume();
      case 'step':
        return this.control.step(msg.n);
      case 'stop':
        return this.abort.abort();
      case 'share':
        return this.control.setShare(msg.share);
      case 'setHyper':
        try {
          this.runner?.setHyper(msg.patch);
          // A paused loop wakes to send the change (recorded in the trace) at once.
          this.control.notify();
        } catch (e) {
          this.post({ type: 'error', runId: this.runId, message: (e as Error).message });
        }
    }
  }

  private status(status: Runner['status'], reason?: string): void {
    const r = this.runner;
    this.post({
      type: 'status',
      runId: this.runId,
      status,
      step: r?.flushedStep ?? 0,
      divergedAt: r?.divergedAt ?? null,
      ...(reason !== undefined ? { reason } : status === 'diverged' && r?.divergedReason ? { reason: r.divergedReason } : {}),
    });
  }
}
