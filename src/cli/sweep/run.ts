/**
 * `lab sweep spec.json`: every run of a sweep spec on an embedded local pool of worker processes (no server).
 * Each result is written once under its run key in `<out>/runs/`, so running the sweep again resumes it and
 * a run that already has a result is never trained twice. A worker that dies mid-run has its run tried once
 * more on a fresh worker. At the end the results are merged, in grid order, into `<out>/results.json`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepJob, SweepReply } from './child';
import { DEFAULT_MAX_POINTS, writeSweepBundles, type RunDocument } from './bundle';
import { expandSweep, type SweepRun, type SweepSpec } from './spec';

export interface SweepOutcome {
  readonly total: number;
  /** Runs that already had a result (a resumed sweep). */
  readonly skipped: number;
  readonly trained: number;
  readonly failed: { readonly runKey: string; readonly error: string }[];
  /** Runs whose worker died mid-run and that went to a fresh worker. */
  readonly retried: number;
  readonly resultsFile: string;
  /** The page's run bundles (one per task), for "Import JSON bundle". */
  readonly bundles: readonly string[];
}

export const defaultWorkers = (): number => Math.max(1, Math.min(8, availableParallelism()));

export async function runSweepLocal(
  spec: SweepSpec,
  o: { out: string; workers?: number; maxPoints?: number; onProgress?: (done: number, total: number, running: number) => void },
): Promise<SweepOutcome> {
  const runs = expandSweep(spec);
  const dir = join(o.out, 'runs');
  mkdirSync(dir, { recursive: true });
  const file = (r: SweepRun) => resultFile(o.out, r.runKey);
  const todo = runs.filter((r) => !existsSync(file(r)));
  const skipped = runs.length - todo.length;
  const failed: { runKey: string; error: string }[] = [];
  let trained = 0;
  let retried = 0;
  const attempts = new Map<string, number>();
  const queue = [...todo];
  const child = fileURLToPath(new URL('./child.ts', import.meta.url));
  const workers = Math.max(1, Math.min(o.workers ?? defaultWorkers(), todo.length));
  const busy = new Map<ChildProcess, SweepRun>();
  const report = () => o.onProgress?.(skipped + trained + failed.length, runs.length, busy.size);
  report();
  await new Promise<void>((resolve) => {
    let live = 0;
    const next = (w: ChildProcess) => {
      const run = queue.shift();
      if (!run) {
        busy.delete(w);
        w.kill();
        return;
      }
      busy.set(w, run);
      attempts.set(run.runKey, (attempts.get(run.runKey) ?? 0) + 1);
      w.send({ run, dir } satisfies SweepJob);
      report();
    };
    const spawn = () => {
      live++;
      const w = fork(child, [], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      w.on('message', (m: SweepReply) => {
        if (m.type === 'done') trained++;
        else failed.push({ runKey: m.runKey, error: m.error });
        next(w);
      });
      w.on('exit', () => {
        live--;
        const lost = busy.get(w);
        busy.delete(w);
        if (lost) {
          // At least once: a run whose worker died goes back to the queue (once), on a fresh worker.
          if ((attempts.get(lost.runKey) ?? 0) < 2) {
            queue.unshift(lost);
            retried++;
          } else failed.push({ runKey: lost.runKey, error: 'its worker died twice' });
          if (queue.length) spawn();
        }
        report();
        if (live === 0) resolve();
      });
      next(w);
    };
    if (todo.length === 0) return resolve();
    for (let i = 0; i < workers; i++) spawn();
  });
  return { total: runs.length, skipped, trained, failed, retried, ...mergeSweep(spec, runs, o.out, o.maxPoints) };
}

/** A run's result file in a sweep's folder. */
export const resultFile = (out: string, runKey: string): string => join(out, 'runs', `${runKey}.json`);

/**
 * Merges every run that has a result, in grid order (not finish order), into `<out>/results.json` and into the
 * page's bundles (`<out>/<name>.bundle.json`); returns their paths. The local pool and the queue both end here,
 * so the same spec gives the same merged files.
 */
export function mergeSweep(
  spec: SweepSpec,
  runs: readonly SweepRun[],
  out: string,
  maxPoints = DEFAULT_MAX_POINTS,
): { resultsFile: string; bundles: string[] } {
  const merged = runs
    .filter((r) => existsSync(resultFile(out, r.runKey)))
    .map((r) => ({ ...r, result: JSON.parse(readFileSync(resultFile(out, r.runKey), 'utf8')) as unknown }));
  const resultsFile = join(out, 'results.json');
  writeFileSync(resultsFile, JSON.stringify({ kind: 'l4-lab-sweep-results', v: 1, spec, runs: merged }));
  const docs = new Map(merged.map((r) => [r.runKey, r.result]));
  const bundles = writeSweepBundles(spec, runs, out, (k) => (docs.get(k) as RunDocument | undefined) ?? null, maxPoints);
  return { resultsFile, bundles };
}
