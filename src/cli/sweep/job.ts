/**
 * One run of a sweep, as both the local pool's worker processes and the queue's workers (`lab worker`) run it:
 * the payload is checked again (anyone who can reach a queue can put a job on it), the run is trained with the
 * engine, and its result comes back as the JSON document `lab train --out` writes, with a small summary.
 */
import { startNodeBackend, tfjsVersion } from '../../engine/nodeBackend';
import { expandSweep, parseSweepSpec, SweepSpecError, SWEEP_KIND, SWEEP_VERSION, type SweepRun } from './spec';
import { toJson, train, type Progress } from '../train';
import { isObject } from '../../lib/isObject';

/** What a finished run reports besides its document (the job's return value on a queue: < 1 KB). */
export interface SweepSummary {
  readonly runKey: string;
  readonly status: string;
  readonly lastLoss: number | null;
  readonly bestLoss: number | null;
  readonly seconds: number;
  readonly bytes: number;
}

/** A payload that can never run (retrying it would only repeat the error). */
export class BadRunError extends Error {}

/**
 * Checks an untrusted run: it must be exactly the run a one-cell sweep of its own fields expands to, run key
 * included (so every check `lab sweep` makes on a spec applies, and a forged key is refused). Throws a
 * `BadRunError` with sentences.
 */
export function checkSweepRun(x: unknown): SweepRun {
  if (!isObject(x)) throw new BadRunError('A run is a JSON object.');
  const budget = x.budget;
  if (!isObject(budget)) throw new BadRunError('A run needs a "budget": {"steps": n} or {"epochs": n}.');
  if (typeof x.specId !== 'string' || !/^[^\n]{1,200}$/.test(x.specId)) throw new BadRunError('A run needs a "specId" (a one-line name).');
  let runs: SweepRun[];
  try {
    const spec = parseSweepSpec({
      kind: SWEEP_KIND,
      v: SWEEP_VERSION,
      name: 'job',
      tasks: [{ task: x.task, settings: x.taskSettings, ...budget }],
      optimizers: [{ optimizer: x.optimizer, options: x.optimizerOptions }],
      seeds: { first: x.seed, count: 1 },
      backend: x.backend,
    });
    runs = expandSweep(spec);
  } catch (e) {
    throw new BadRunError(e instanceof SweepSpecError ? e.problems.join(' ') : (e as Error).message);
  }
  const run = runs[0]!;
  if (run.runKey !== x.runKey) throw new BadRunError(`The run key ${JSON.stringify(x.runKey)} is not this run's key (${run.runKey}).`);
  return { ...run, specId: x.specId };
}

let backend: string | null = null;

/** Trains one run (one at a time per process: tfjs-wasm in Node uses one core). */
export async function runSweepJob(run: SweepRun, progress?: Progress): Promise<{ document: string; summary: SweepSummary }> {
  if (backend !== run.backend) backend = (await startNodeBackend(run.backend, run.task)).backend;
  const spec = {
    task: run.task,
    taskSettings: run.taskSettings,
    optimizer: run.optimizer,
    optimizerOptions: run.optimizerOptions,
    seed: run.seed,
    restarts: 1,
    ...run.budget,
  };
  const [result] = await train(spec, progress);
  const document = toJson(spec, [result!], { runKey: run.runKey, specId: run.specId, backend, tfjs: tfjsVersion });
  const l = Array.from(result!.trace.columns.loss).filter(Number.isFinite);
  return {
    document,
    summary: {
      runKey: run.runKey,
      status: result!.status,
      lastLoss: l.length ? l[l.length - 1]! : null,
      bestLoss: l.length ? Math.min(...l) : null,
      seconds: result!.seconds,
      bytes: document.length,
    },
  };
}
