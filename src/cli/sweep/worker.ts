/**
 * `lab worker --queue URL`: takes a sweep's runs from BullMQ and trains them, one at a time per process
 * (`--processes N` forks N). Each result is written once under its run key (HSETNX), so a run executed twice
 * (processing is at least once) changes nothing. Payloads are checked again and an impossible one fails at
 * once (UnrecoverableError); a job from another engine version is refused. The first SIGTERM or SIGINT lets
 * the current run finish, a second one exits at once (the run then goes to another worker after its lock
 * lapses). One line per run goes to stdout.
 */
import { fork } from 'node:child_process';
import { hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  engineVersion,
  parseQueueUrl,
  PREFIX,
  QUEUE_NAME,
  RESULT_TTL_S,
  resultsKey,
  WORKER_DEFAULTS,
  type QueueJobData,
} from './queueShared';
import { BadRunError, checkSweepRun, runSweepJob, type SweepSummary } from './job';

export interface WorkerOptions {
  readonly url: string;
  readonly lockMs?: number;
  readonly stalledMs?: number;
  /** Exit after this many seconds without a job (for scripts and tests); never by default. */
  readonly idleExitS?: number;
  readonly log?: (line: string) => void;
}

/** Runs one worker in this process until a signal (or `idleExitS` without work); resolves when it has closed. */
export async function runWorker(o: WorkerOptions): Promise<void> {
  const { Worker, UnrecoverableError } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const { connection, where, warning } = parseQueueUrl(o.url);
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  if (warning) process.stderr.write(`${warning}\n`);
  const lockMs = o.lockMs ?? WORKER_DEFAULTS.lockMs;
  const name = `${hostname()}:${process.pid}`;
  const redis = new Redis(connection);
  redis.on('error', () => {}); // ioredis reconnects by itself; BullMQ reports lasting trouble.
  const mine = engineVersion();
  const worker = new Worker<QueueJobData, SweepSummary>(
    QUEUE_NAME,
    async (job) => {
      const d = job.data as Partial<QueueJobData> | undefined;
      if (!d || d.v !== 1 || typeof d.sweepId !== 'string' || !/^[\w.-]{1,60}$/.test(d.sweepId))
        throw new UnrecoverableError('The job is not a lab run: it needs v 1, a sweep id and a run.');
      if (d.engine?.lab !== mine.lab || d.engine?.tfjs !== mine.tfjs)
        throw new UnrecoverableError(
          `The job was made by lab ${d.engine?.lab} (tfjs ${d.engine?.tfjs}) and this worker is lab ${mine.lab} (tfjs ${mine.tfjs}); mixed versions would break the paired comparison. Run workers from the same version as lab sweep.`,
        );
      let run;
      try {
        run = checkSweepRun(d.run);
      } catch (e) {
        if (e instanceof BadRunError) throw new UnrecoverableError(`The job's run is not valid: ${e.message}`);
        throw e;
      }
      const key = resultsKey(d.sweepId);
      const t0 = Date.now();
      let lastProgress = 0;
      const { document, summary } = await runSweepJob(run, (p) => {
        const now = Date.now();
        if (now - lastProgress < 1000) return; // at most once a second per job
        lastProgress = now;
        void job.updateProgress({ step: p.step, steps: p.steps, loss: p.loss }).catch(() => {});
      });
      const first = await redis.hsetnx(key, run.runKey, document);
      await redis.expire(key, RESULT_TTL_S);
      log(
        `${run.runKey} ${run.task} ${run.specId} seed ${run.seed}: ${summary.status}, last loss ${summary.lastLoss?.toPrecision(5)} (${((Date.now() - t0) / 1000).toFixed(1)} s, attempt ${job.attemptsMade + 1}${first ? '' : ', a result was already there'})`,
      );
      return summary;
    },
    {
      connection,
      prefix: PREFIX,
      name,
      concurrency: 1,
      lockDuration: lockMs,
      stalledInterval: o.stalledMs ?? WORKER_DEFAULTS.stalledMs,
      maxStalledCount: WORKER_DEFAULTS.maxStalledCount,
      autorun: false,
    },
  );
  worker.on('error', (e) => process.stderr.write(`worker: ${e.message}\n`));
  worker.on('failed', (job, e) => {
    if (job) log(`${job.id}: failed (attempt ${job.attemptsMade}): ${e.message}`);
  });
  // A step that blocks the event loop longer than lockMs / 2 loses the lock: say so.
  const delay = monitorEventLoopDelay({ resolution: 50 });
  delay.enable();
  const watch = setInterval(() => {
    const worst = delay.max / 1e6;
    if (worst > lockMs / 3)
      process.stderr.write(
        `worker: the event loop was blocked for ${Math.round(worst)} ms (the lock is ${lockMs} ms and is renewed every ${lockMs / 2} ms); use a longer --lock-ms for this task.\n`,
      );
    delay.reset();
  }, 5000);
  watch.unref();

  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (o.idleExitS === undefined) return;
    clearTimeout(idle);
    idle = setTimeout(() => void stop(), o.idleExitS * 1000);
  };
  worker.on('active', () => clearTimeout(idle));
  worker.on('drained', armIdle);
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= worker.close().then(() => void redis.quit().catch(() => {})));
  const onSignal = (sig: string) => {
    if (stopping) {
      log(`${name}: second ${sig}, exiting now`);
      process.exit(130);
    }
    log(`${name}: ${sig}, finishing the current run (send it again to exit now)`);
    void stop();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  log(`${name}: lab ${mine.lab} waiting for runs on ${where} (lock ${lockMs} ms)`);
  armIdle();
  void worker.run();
  await new Promise<void>((resolve) => worker.on('closed', () => resolve()));
  await stopping;
  clearInterval(watch);
  delay.disable();
}

/** `--processes N`: N worker processes, each one `lab worker`. */
export async function runWorkers(n: number, args: readonly string[]): Promise<number> {
  const lab = fileURLToPath(new URL('../lab.ts', import.meta.url));
  const children = Array.from({ length: n }, () => fork(lab, ['worker', ...args], { execArgv: process.execArgv }));
  // Ctrl-C reaches the children through the terminal's process group; a SIGTERM sent to this process is passed on.
  process.on('SIGTERM', () => children.forEach((c) => c.kill('SIGTERM')));
  process.on('SIGINT', () => {});
  const codes = await Promise.all(children.map((c) => new Promise<number>((r) => c.on('exit', (code) => r(code ?? 1)))));
  return Math.max(...codes);
}
