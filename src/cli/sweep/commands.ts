/**
 * The headless lab's sweep commands: `lab sweep`, `lab worker`, `lab benchmark` and `lab reproduce momo-sweep`
 * (see lab.ts for the rest).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { num, UsageError } from '../args';
import { benchmarkSpec, reportBenchmark } from '../benchmark';
import { momoSweep, reportMomoSweep } from '../momoSweep';
import { progressBar } from '../progress';
import { parseQueueUrl, QueueUrlError } from './queueShared';
import { runSweepLocal } from './run';
import { runSweepQueued } from './queue';
import { parseSweepSpec, SweepSpecError, type SweepSpec } from './spec';
import { runWorker, runWorkers } from './worker';

const SWEEP_OPTIONS = {
  out: { type: 'string' },
  workers: { type: 'string' },
  queue: { type: 'string' },
  'no-wait': { type: 'boolean' },
  'retry-failed': { type: 'boolean' },
  'max-points': { type: 'string' },
} as const;

interface SweepFlags {
  out?: string;
  workers?: string;
  queue?: string;
  'no-wait'?: boolean;
  'retry-failed'?: boolean;
  'max-points'?: string;
}

const checkQueueUrl = (url: string) => {
  try {
    parseQueueUrl(url);
  } catch (e) {
    if (e instanceof QueueUrlError) throw new UsageError(e.message);
    throw e;
  }
};

function readSpec(path: string): SweepSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`The sweep spec ${path} could not be read as JSON: ${(e as Error).message}`);
  }
  try {
    return parseSweepSpec(raw);
  } catch (e) {
    if (e instanceof SweepSpecError) throw new UsageError(e.message);
    throw e;
  }
}

/** Runs a sweep on the local pool or the queue, as the flags say; prints its outcome. */
async function runSweep(spec: SweepSpec, values: SweepFlags, out: string): Promise<{ code: number; finished: boolean }> {
  const workers = num('workers', values.workers, true);
  const maxPoints = num('max-points', values['max-points'], true);
  if (maxPoints !== undefined && maxPoints < 2) throw new UsageError(`--max-points must be at least 2, got ${maxPoints}.`);
  if (values.queue === undefined && (values['no-wait'] || values['retry-failed']))
    throw new UsageError('--no-wait and --retry-failed apply to sweeps on a queue (--queue URL).');
  if (values.queue !== undefined && workers !== undefined)
    throw new UsageError('--workers applies to the local pool; with --queue, start lab worker where the runs should train.');
  const bar = progressBar(process.stderr);
  if (values.queue !== undefined) {
    checkQueueUrl(values.queue);
    const r = await runSweepQueued(spec, {
      url: values.queue,
      out,
      wait: !values['no-wait'],
      retryFailed: values['retry-failed'],
      ...(maxPoints !== undefined ? { maxPoints } : {}),
      warn: (l) => process.stderr.write(`${l}\n`),
      onProgress: (p) =>
        bar(
          spec.name,
          (p.done + p.failed + p.partial) / p.total,
          `${p.done}/${p.total} done · ${p.running} running · ${p.failed} failed${p.running === 0 && p.done + p.failed < p.total ? ' (waiting for lab worker)' : ''}`,
        ),
    });
    bar.done();
    if (!r.finished) {
      process.stdout.write(
        `${spec.name}: ${r.total} runs, ${r.skipped} already had a result, ${r.enqueued} on the queue as sweep ${r.sweepId}; run the same command without --no-wait to collect them.\n`,
      );
      return { code: 0, finished: false };
    }
    process.stdout.write(
      `${spec.name}: ${r.total} runs — ${r.trained} trained now, ${r.skipped} already had a result, ${r.failed.length} failed${r.reAdded ? `, ${r.reAdded} put on the queue again after their job was lost` : ''}; merged into ${r.resultsFile}; for the page (Import JSON bundle): ${r.bundles.join(', ')}\n`,
    );
    for (const f of r.failed) process.stdout.write(`  failed ${f.runKey}: ${f.error}\n`);
    if (r.failed.length) process.stdout.write('  (lab sweep … --retry-failed puts them on the queue again)\n');
    return { code: r.failed.length ? 1 : 0, finished: true };
  }
  const r = await runSweepLocal(spec, {
    out,
    ...(workers !== undefined ? { workers } : {}),
    ...(maxPoints !== undefined ? { maxPoints } : {}),
    onProgress: (done, total, running) => bar(spec.name, done / total, `${done}/${total} runs, ${running} training`),
  });
  bar.done();
  process.stdout.write(
    `${spec.name}: ${r.total} runs — ${r.trained} trained now, ${r.skipped} already had a result, ${r.failed.length} failed${r.retried ? `, ${r.retried} retried after their worker died` : ''}; merged into ${r.resultsFile}; for the page (Import JSON bundle): ${r.bundles.join(', ')}\n`,
  );
  for (const f of r.failed) process.stdout.write(`  failed ${f.runKey}: ${f.error}\n`);
  return { code: r.failed.length ? 1 : 0, finished: true };
}

export async function sweepCommand(rest: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: SWEEP_OPTIONS });
  const path = positionals[0];
  if (!path) throw new UsageError('sweep needs a spec file: npm run lab -- sweep spec.json.');
  const spec = readSpec(path);
  return (await runSweep(spec, values, values.out ?? join('sweeps', spec.name))).code;
}

export async function benchmarkCommand(rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: {
      ...SWEEP_OPTIONS,
      seeds: { type: 'string' },
      spec: { type: 'string' },
      'write-spec': { type: 'string' },
      'report-only': { type: 'boolean' },
      reference: { type: 'string' },
    },
  });
  const seeds = num('seeds', values.seeds, true);
  if (seeds !== undefined && (seeds < 1 || seeds > 100)) throw new UsageError(`--seeds must be in [1, 100], got ${seeds}.`);
  if (values.spec !== undefined && seeds !== undefined)
    throw new UsageError('--seeds applies to the shipped benchmark; set "seeds" in your --spec file.');
  const spec = values.spec !== undefined ? readSpec(values.spec) : benchmarkSpec(seeds !== undefined ? { seeds } : {});
  if (values['write-spec'] !== undefined) {
    writeFileSync(values['write-spec'], `${JSON.stringify(spec, null, 1)}\n`);
    process.stdout.write(`wrote the benchmark's sweep spec to ${values['write-spec']}\n`);
    return 0;
  }
  const reference = values.reference ?? null;
  const entries = spec.optimizers.map((o) => o.optimizer);
  if (reference !== null && !entries.includes(reference))
    throw new UsageError(`--reference must be one of the benchmark's optimizers (${entries.join(', ')}), got "${reference}".`);
  const out = values.out ?? join('sweeps', spec.name);
  mkdirSync(out, { recursive: true });
  let code = 0;
  if (!values['report-only']) {
    const t0 = performance.now();
    const r = await runSweep(spec, values, out);
    if (!r.finished) return r.code;
    code = r.code;
    process.stdout.write(`benchmark sweep: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  const { markdown, files, missing } = reportBenchmark(spec, out, { reference });
  process.stdout.write(`\n${markdown}\n`);
  if (missing) process.stdout.write(`${missing} runs have no result yet; the tables leave them out.\n`);
  process.stdout.write(`wrote ${files.join(', ')}\n`);
  return code;
}

/** `reproduce momo-sweep [--seeds N] [--epochs N] [--out DIR] [--workers N | --queue URL] [--report-only]`. */
export async function momoSweepCommand(rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: { ...SWEEP_OPTIONS, seeds: { type: 'string' }, epochs: { type: 'string' }, 'report-only': { type: 'boolean' } },
  });
  const seeds = num('seeds', values.seeds, true);
  const epochs = num('epochs', values.epochs);
  if (seeds !== undefined && (seeds < 1 || seeds > 100)) throw new UsageError(`--seeds must be in [1, 100], got ${seeds}.`);
  if (epochs !== undefined && !(epochs > 0 && epochs <= 100)) throw new UsageError(`--epochs must be in (0, 100], got ${epochs}.`);
  const spec = momoSweep({ seeds, epochs });
  const out = values.out ?? join('sweeps', spec.name);
  mkdirSync(out, { recursive: true });
  let code = 0;
  if (!values['report-only']) {
    const r = await runSweep(spec, values, out);
    if (!r.finished) return r.code;
    code = r.code;
  }
  const { markdown, file } = reportMomoSweep(spec, out, { seeds: spec.seeds.count, epochs: spec.tasks[0]!.epochs ?? 0 });
  process.stdout.write(`\n${markdown}\nwrote ${file}\n`);
  return code;
}

export async function workerCommand(rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: {
      queue: { type: 'string' },
      processes: { type: 'string' },
      'lock-ms': { type: 'string' },
      'stalled-ms': { type: 'string' },
      'idle-exit': { type: 'string' },
    },
  });
  if (values.queue === undefined) throw new UsageError('worker needs --queue URL, e.g. --queue redis://127.0.0.1:6379.');
  checkQueueUrl(values.queue);
  const processes = num('processes', values.processes, true) ?? 1;
  const lockMs = num('lock-ms', values['lock-ms'], true);
  const stalledMs = num('stalled-ms', values['stalled-ms'], true);
  const idleExitS = num('idle-exit', values['idle-exit']);
  if (processes < 1 || processes > 64) throw new UsageError(`--processes must be in [1, 64], got ${processes}.`);
  if (lockMs !== undefined && lockMs < 1000) throw new UsageError(`--lock-ms must be at least 1000, got ${lockMs}.`);
  if (processes > 1)
    return runWorkers(
      processes,
      rest.filter((a, i) => a !== '--processes' && rest[i - 1] !== '--processes' && !a.startsWith('--processes=')),
    );
  await runWorker({
    url: values.queue,
    ...(lockMs !== undefined ? { lockMs } : {}),
    ...(stalledMs !== undefined ? { stalledMs } : {}),
    ...(idleExitS !== undefined ? { idleExitS } : {}),
  });
  return 0;
}
