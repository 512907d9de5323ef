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
import { PEERS_TASKS } from '../experiments';
import { toCsvDoc, toJson, train } from './train';
import { benchmarkCommand, momoSweepCommand, sweepCommand, workerCommand } from './sweep/commands';

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
          `, last loss ${last?.toPrecision(5)}${acc} (${r.seconds.toFixed(1)} s)` +
          (r.divergedReason
            ? `\n  ${r.divergedReason}`
            : r.skippedSteps > 0
              ? `; ${r.skippedSteps} step(s) skipped (non-finite gradients or loss)`
              : '') +
          '\n',
      );
    }
    if (out) {
      const body = out.toLowerCase().endsWith('.csv') ? toCsvDoc(results) : toJson(spec, results, { tfjs: tfjsVersion, backend: used });
      writeFileSync(out, body);
      process.stdout.write(`wrote ${out}\n`);
    }
    return 0;
  }
  // Through the sweep engine (a pool or a queue), with the sweeps' flags.
  if (command === 'reproduce' && rest[0] === 'momo-sweep') return momoSweepCommand(rest.slice(1));
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
    if (!which || !(which in REPRODUCTIONS))
      throw new UsageError(`reproduce needs one of ${[...Object.keys(REPRODUCTIONS), 'momo-sweep'].join(', ')}.`);
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
  if (command === 'sweep') return sweepCommand(rest);
  if (command === 'worker') return workerCommand(rest);
  if (command === 'benchmark') return benchmarkCommand(rest);
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
