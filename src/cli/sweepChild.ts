/**
 * One worker process of `lab sweep`'s local pool: receives runs over IPC, trains each with the engine (one at a
 * time: tfjs-wasm in Node uses one core), writes its result once under its run key (to a temporary name, then
 * renamed, so a killed worker leaves no half-written result) and reports back.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNodeBackend, tfjsVersion } from '../engine/nodeBackend';
import type { SweepRun } from './sweepSpec';
import { toJson, train } from './train';

export interface SweepJob {
  readonly run: SweepRun;
  /** The folder results go to (`<out>/runs`). */
  readonly dir: string;
}

export type SweepReply =
  | { readonly type: 'done'; readonly runKey: string; readonly status: string; readonly lastLoss: number | null; readonly seconds: number }
  | { readonly type: 'failed'; readonly runKey: string; readonly error: string };

let backend: string | null = null;

process.on('message', (job: SweepJob) => {
  void (async () => {
    const { run, dir } = job;
    try {
      if (backend !== run.backend) {
        const r = await startNodeBackend(run.backend, run.task);
        backend = r.backend;
      }
      const spec = {
        task: run.task,
        taskSettings: run.taskSettings,
        optimizer: run.optimizer,
        optimizerOptions: run.optimizerOptions,
        seed: run.seed,
        restarts: 1,
        ...run.budget,
      };
      const [result] = await train(spec);
      const file = join(dir, `${run.runKey}.json`);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, toJson(spec, [result!], { runKey: run.runKey, specId: run.specId, backend, tfjs: tfjsVersion }));
      renameSync(tmp, file);
      const l = result!.trace.columns.loss;
      const reply: SweepReply = {
        type: 'done',
        runKey: run.runKey,
        status: result!.status,
        lastLoss: l.length ? l[l.length - 1]! : null,
        seconds: result!.seconds,
      };
      process.send!(reply);
    } catch (e) {
      process.send!({ type: 'failed', runKey: run.runKey, error: (e as Error).message } satisfies SweepReply);
    }
  })();
});
