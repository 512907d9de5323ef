/**
 * One worker process of `lab sweep`'s local pool: receives runs over IPC, trains each (`runSweepJob`), writes
 * its result once under its run key (to a temporary name, then renamed, so a killed worker leaves no
 * half-written result) and reports back.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepRun } from './spec';
import { runSweepJob, type SweepSummary } from './job';

export interface SweepJob {
  readonly run: SweepRun;
  /** The folder results go to (`<out>/runs`). */
  readonly dir: string;
}

export type SweepReply =
  ({ readonly type: 'done' } & SweepSummary) | { readonly type: 'failed'; readonly runKey: string; readonly error: string };

process.on('message', (job: SweepJob) => {
  void (async () => {
    const { run, dir } = job;
    try {
      const { document, summary } = await runSweepJob(run);
      const file = join(dir, `${run.runKey}.json`);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, document);
      renameSync(tmp, file);
      process.send!({ type: 'done', ...summary } satisfies SweepReply);
    } catch (e) {
      process.send!({ type: 'failed', runKey: run.runKey, error: (e as Error).message } satisfies SweepReply);
    }
  })();
});
