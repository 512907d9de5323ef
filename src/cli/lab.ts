/**
 * The headless lab: `npm run lab -- train …` and `npm run lab -- reproduce …`, on the same engine as the page.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendChoice } from '../engine/backend';
import { num, parseTrain, usage, UsageError } from './args';
import { startNodeBackend, tfjsVersion } from '../engine/nodeBackend';
import { progressBar } from './progress';
import { REPRODUCTIONS, reproduce } from './reproduce';
import { PEERS_TASKS } from '../tasks/lineups';
import { toCsvDoc, toJson, train } from './train';
import { runSweepLocal } from './sweep';
import { parseSweepSpec, SweepSpecError } from './sweepSpec';
import { runSweepQueued } from './sweepQueue';
import { parseQueueUrl, QueueUrlError } from './queue';
import { runWorker, runWorkers } from './worker';

const USAGE = (): string => usage(Object.keys(REPRODUCTIONS));

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE());
    return command === undefined ? 2 : 0;
  }
  if (command === 'train') {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(USAGE());
      return 0;
    }
    const { out, backend, ...spec } = parseTrain(rest);
    const { backend: used, fallbackReason } = await startNodeBackend(backend, spec.task);
    if (fallbackReason) process.stderr.write(`backend ${used} (${fallbackReason})\n`);
    const bar = progressBar(process.stderr);
    const results = await train(spec, (p) =>
      bar(`run ${p.run + 1}/${p.runs}`, p.step / p.steps, `step ${p.step}/${p.steps}  loss ${p.loss.toPrecision(4)}`),
    );
    bar.done();
    for (const r of results) {
      const last = r.trace.columns.loss[r.trace.length - 1];
      const e = r.evals.at(-1);
      const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
      const acc =
        e?.testAccuracy === undefined
          ? ''
          : e.at && e.raw?.testAccuracy !== undefined
            ? `, test accuracy ${pct(e.testAccuracy)} at ${e.at} (${pct(e.raw.testAccuracy)} at the trained parameters)`
            : `, test accuracy ${pct(e.testAccuracy)}`;
      process.stdout.write(
        `seed ${r.seed}: ${r.status === 'diverged' ? `diverged at step ${r.divergedAt}` : r.status} after ${r.steps} steps` +
          `, last loss ${last?.toPrecision(5)}${acc} (${r.seconds.toFixed(1)} s)\n`,
      );
    }
    if (out) {
      const body = out.toLowerCase().endsWith('.csv') ? toCsvDoc(results) : toJson(spec, results, { tfjs: tfjsVersion, backend: used });
      writeFileSync(out, body);
      process.stdout.write(`wrote ${out}\n`);
    }
    return 0;
  }
  if (command === 'reproduce') {
    const { values, positionals } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: {
        seeds: { type: 'string' },
        epochs: { type: 'string' },
        steps: { type: 'string' },
        backend: { type: 'string' },
        float64: { type: 'boolean' },
        task: { type: 'string' },
      },
    });
    const which = positionals[0];
    if (!which || !(which in REPRODUCTIONS)) throw new UsageError(`reproduce needs one of ${Object.keys(REPRODUCTIONS).join(', ')}.`);
    if (values.float64 && which !== 'fig2') throw new UsageError('--float64 applies to reproduce fig2 only.');
    if (values.task !== undefined && which !== 'peers') throw new UsageError('--task applies to reproduce peers only.');
    if (which === 'peers' && values.task !== undefined && !(PEERS_TASKS as readonly string[]).includes(values.task))
      throw new UsageError(`reproduce peers --task must be one of ${PEERS_TASKS.join(', ')}, got "${values.task}".`);
    const backend = (values.backend ?? 'wasm') as BackendChoice;
    if (!['wasm', 'cpu'].includes(backend)) throw new UsageError(`--backend must be wasm or cpu, got "${values.backend}".`);
    await startNodeBackend(backend);
    await reproduce(which as keyof typeof REPRODUCTIONS, {
      seeds: num('seeds', values.seeds, true),
      epochs: num('epochs', values.epochs),
      steps: num('steps', values.steps, true),
      float64: values.float64,
      task: values.task,
    });
    return 0;
  }
  if (command === 'sweep') {
    const { values, positionals } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        workers: { type: 'string' },
        queue: { type: 'string' },
        'no-wait': { type: 'boolean' },
        'retry-failed': { type: 'boolean' },
        'max-points': { type: 'string' },
      },
    });
    const path = positionals[0];
    if (!path) throw new UsageError('sweep needs a spec file: npm run lab -- sweep spec.json.');
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new UsageError(`The sweep spec ${path} could not be read as JSON: ${(e as Error).message}`);
    }
    let spec;
    try {
      spec = parseSweepSpec(raw);
    } catch (e) {
      if (e instanceof SweepSpecError) throw new UsageError(e.message);
      throw e;
    }
    const workers = num('workers', values.workers, true);
    const maxPoints = num('max-points', values['max-points'], true);
    if (maxPoints !== undefined && maxPoints < 2) throw new UsageError(`--max-points must be at least 2, got ${maxPoints}.`);
    if (values.queue === undefined && (values['no-wait'] || values['retry-failed']))
      throw new UsageError('--no-wait and --retry-failed apply to sweeps on a queue (--queue URL).');
    if (values.queue !== undefined && workers !== undefined)
      throw new UsageError('--workers applies to the local pool; with --queue, start lab worker where the runs should train.');
    const out = values.out ?? join('sweeps', spec.name);
    const bar = progressBar(process.stderr);
    if (values.queue !== undefined) {
      const queue = values.queue;
      try {
        parseQueueUrl(queue);
      } catch (e) {
        if (e instanceof QueueUrlError) throw new UsageError(e.message);
        throw e;
      }
      const r = await runSweepQueued(spec, {
        url: queue,
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
        return 0;
      }
      process.stdout.write(
        `${spec.name}: ${r.total} runs — ${r.trained} trained now, ${r.skipped} already had a result, ${r.failed.length} failed${r.reAdded ? `, ${r.reAdded} put on the queue again after their job was lost` : ''}; merged into ${r.resultsFile}; for the page (Import JSON bundle): ${r.bundles.join(', ')}\n`,
      );
      for (const f of r.failed) process.stdout.write(`  failed ${f.runKey}: ${f.error}\n`);
      if (r.failed.length) process.stdout.write('  (lab sweep … --retry-failed puts them on the queue again)\n');
      return r.failed.length ? 1 : 0;
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
    return r.failed.length ? 1 : 0;
  }
  if (command === 'worker') {
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
    try {
      parseQueueUrl(values.queue);
    } catch (e) {
      if (e instanceof QueueUrlError) throw new UsageError(e.message);
      throw e;
    }
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
  throw new UsageError(`Unknown command "${command}".`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`${(e as Error).message}\n${usage ? `\n${USAGE()}` : ''}`);
    process.exit(usage ? 2 : 1);
  },
);
