/**
 * `lab sweep spec.json --queue URL`: the sweep's runs go to BullMQ, `lab worker`s on any number of machines
 * train them, and this process follows, copies each result into `<out>/runs/<runKey>.json` as it arrives and
 * merges them exactly as the local pool does. The results store is the truth, not BullMQ's job state
 * (design note §3.4, §6.5): a run is done when its result exists, failed only when its job failed and no result
 * exists. Re-running the command resumes: runs with a result are skipped, and job ids (`<sweep>.<runKey>`) are
 * fixed, so enqueuing twice adds nothing. A reconcile loop re-adds runs whose jobs vanished (a Redis restart
 * without persistence).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeSweep, resultFile, type SweepOutcome } from './run';
import {
  engineVersion,
  JOB_OPTIONS,
  jobIdOf,
  parseQueueUrl,
  PREFIX,
  QUEUE_NAME,
  resultsKey,
  sweepIdOf,
  type QueueJobData,
} from './queueShared';
import { expandSweep, type SweepRun, type SweepSpec } from './spec';

export interface QueuedProgress {
  readonly done: number;
  readonly total: number;
  readonly running: number;
  readonly failed: number;
  /** The running runs' own progress (step / steps), as the workers report it (at most once a second each). */
  readonly partial: number;
}

export interface QueuedOutcome extends SweepOutcome {
  readonly sweepId: string;
  readonly enqueued: number;
  /** Runs put on the queue again because their job had vanished without a result. */
  readonly reAdded: number;
  /** False with `wait: false`: the runs were enqueued and nothing was merged. */
  readonly finished: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSweepQueued(
  spec: SweepSpec,
  o: {
    url: string;
    out: string;
    wait?: boolean;
    /** Put runs whose jobs failed back on the queue. */
    retryFailed?: boolean;
    /** Rows per run in the page's bundle (the spool keeps every row). */
    maxPoints?: number;
    pollMs?: number;
    onProgress?: (p: QueuedProgress) => void;
    warn?: (line: string) => void;
  },
): Promise<QueuedOutcome> {
  const { Queue } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const { connection, warning } = parseQueueUrl(o.url);
  if (warning) o.warn?.(warning);
  const sweepId = sweepIdOf(spec);
  const runs = expandSweep(spec);
  mkdirSync(join(o.out, 'runs'), { recursive: true });
  const have = (r: SweepRun) => existsSync(resultFile(o.out, r.runKey));
  const redis = new Redis(connection);
  redis.on('error', () => {}); // reconnects by itself (a restarted Redis); commands wait meanwhile
  const queue = new Queue<QueueJobData>(QUEUE_NAME, { connection, prefix: PREFIX });
  queue.on('error', () => {});
  const key = resultsKey(sweepId);
  const engine = engineVersion();
  const job = (r: SweepRun) => ({
    name: r.specId,
    data: { v: 1, sweepId, run: r, engine } satisfies QueueJobData,
    opts: { ...JOB_OPTIONS, jobId: jobIdOf(sweepId, r.runKey) },
  });

  /** Copies results that have arrived in Redis into the spool folder (temporary name, then renamed). */
  const pull = async () => {
    const missing = runs.filter((r) => !have(r));
    for (let i = 0; i < missing.length; i += 500) {
      const part = missing.slice(i, i + 500);
      const docs = await redis.hmget(key, ...part.map((r) => r.runKey));
      part.forEach((r, j) => {
        const doc = docs[j];
        if (doc == null) return;
        const file = resultFile(o.out, r.runKey);
        writeFileSync(`${file}.${process.pid}.tmp`, doc);
        renameSync(`${file}.${process.pid}.tmp`, file);
      });
    }
  };

  try {
    await pull();
    const todo = runs.filter((r) => !have(r));
    const skipped = runs.length - todo.length;
    if (o.retryFailed) {
      for (const r of todo) {
        const j = await queue.getJob(jobIdOf(sweepId, r.runKey));
        if (j && (await j.getState()) === 'failed') await j.retry();
      }
    }
    // Job ids are fixed: a run already on the queue (waiting, running, or failed) is not added twice.
    for (let i = 0; i < todo.length; i += 1000) await queue.addBulk(todo.slice(i, i + 1000).map(job));
    const base = { sweepId, enqueued: todo.length, total: runs.length, skipped, retried: 0 };
    if (o.wait === false) return { ...base, trained: 0, failed: [], reAdded: 0, resultsFile: '', bundles: [], finished: false };

    const failed = new Map<string, string>();
    let reAdded = 0;
    let running = 0;
    let partial = 0;
    const report = () => o.onProgress?.({ done: runs.filter(have).length, total: runs.length, running, failed: failed.size, partial });
    report();
    for (let tick = 0; ; tick++) {
      const open = runs.filter((r) => !have(r) && !failed.has(r.runKey));
      if (open.length === 0) break;
      await sleep(o.pollMs ?? 1000);
      await pull();
      // Job states every other tick: which runs are running (and how far), failed, or lost.
      if (tick % 2 === 0) {
        let active = 0;
        let fraction = 0;
        for (const r of runs.filter((x) => !have(x) && !failed.has(x.runKey))) {
          const id = jobIdOf(sweepId, r.runKey);
          const state = await queue.getJobState(id);
          if (state === 'active') {
            active++;
            const p = (await queue.getJob(id))?.progress as { step?: number; steps?: number } | undefined;
            if (p?.step !== undefined && p.steps) fraction += p.step / p.steps;
          } else if (state === 'failed') {
            if (!(await redis.hexists(key, r.runKey))) failed.set(r.runKey, (await queue.getJob(id))?.failedReason ?? 'failed');
          } else if (state === 'unknown' && !(await redis.hexists(key, r.runKey))) {
            // Finished jobs are removed, so "unknown" with no result means the job was lost: add it again.
            await queue.add(job(r).name, job(r).data, job(r).opts);
            reAdded++;
          }
        }
        running = active;
        partial = fraction;
      }
      report();
    }
    await pull();
    return {
      ...base,
      trained: runs.filter(have).length - skipped,
      failed: [...failed].map(([runKey, error]) => ({ runKey, error })),
      reAdded,
      ...mergeSweep(spec, runs, o.out, o.maxPoints),
      finished: true,
    };
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}
