/**
 * The headless lab: `npm run lab -- train …` and `npm run lab -- reproduce …`, on the same engine as the page.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { makeOptimizer, RECIPES } from '../optim';
import { TASKS } from '../tasks';
import type { BackendChoice } from '../worker/protocol';
import { startNodeBackend, tfjsVersion } from './nodeBackend';
import { progressBar } from './progress';
import { REPRODUCTIONS, reproduce } from './reproduce';
import { toCsvDoc, toJson, train, type TrainSpec } from './train';

const USAGE = `Usage:
  npm run lab -- train --task <task> --optimizer <name> [options]
  npm run lab -- reproduce <${Object.keys(REPRODUCTIONS).join('|')}> [--seeds N] [--epochs N] [--steps N] [--backend wasm|cpu]
  npm run lab -- reproduce fig2 --float64 [--seeds N]   the same seeds in float64, outside the engine

train options:
  --task <id>            ${Object.keys(TASKS).join(', ')}
  --optimizer <name>     ${Object.keys(RECIPES).join(', ')}
  --steps <n>            steps per run (default: the task's, or --epochs)
  --epochs <x>           epochs per run (for tasks with epochs, e.g. mnist-mlp)
  --seed <n>             first seed (default 1)
  --restarts <n>         runs with seeds seed, seed+1, … (default 1)
  --alpha --gamma --tau --gamma0 <x>   L4 settings (default: the paper's)
  --lr <x>               learning rate of a baseline
  --batch-size <n>       batch size (mnist-mlp)
  --kappa <x>            condition number (regression, functions-2d quadratic)
  --fn <name>            functions-2d: rosenbrock, beale, quadratic, rastrigin
  --data-dir <dir>       MNIST-format IDX files to use instead of the packaged MNIST
  --backend <b>          wasm (default) or cpu
  --out <file>           write the result: .json (config, traces, test metrics) or .csv (one row per step)
`;

class UsageError extends Error {}

const num = (name: string, v: string | undefined, int = false): number | undefined => {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || (int && !Number.isInteger(x))) {
    throw new UsageError(`--${name} must be ${int ? 'a whole number' : 'a number'}, got "${v}".`);
  }
  return x;
};

function parseTrain(args: string[]): { spec: TrainSpec; out?: string; backend: BackendChoice } {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      task: { type: 'string' },
      optimizer: { type: 'string' },
      steps: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      restarts: { type: 'string' },
      alpha: { type: 'string' },
      gamma: { type: 'string' },
      tau: { type: 'string' },
      gamma0: { type: 'string' },
      lr: { type: 'string' },
      'batch-size': { type: 'string' },
      kappa: { type: 'string' },
      fn: { type: 'string' },
      'data-dir': { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (!values.task || !TASKS[values.task]) throw new UsageError(`--task must be one of ${Object.keys(TASKS).join(', ')}${values.task ? `, got "${values.task}"` : ''}.`);
  if (!values.optimizer || !(values.optimizer in RECIPES)) {
    throw new UsageError(`--optimizer must be one of ${Object.keys(RECIPES).join(', ')}${values.optimizer ? `, got "${values.optimizer}"` : ''}.`);
  }
  const isL4 = values.optimizer.startsWith('l4');
  const opts: Record<string, number> = {};
  for (const k of ['alpha', 'gamma', 'tau', 'gamma0'] as const) {
    const x = num(k, values[k]);
    if (x === undefined) continue;
    if (!isL4) throw new UsageError(`--${k} is an L4 setting; ${values.optimizer} takes --lr.`);
    opts[k] = x;
  }
  const lr = num('lr', values.lr);
  if (lr !== undefined) {
    if (isL4) throw new UsageError(`${values.optimizer} has no learning rate; set --alpha instead.`);
    opts.learningRate = lr;
  }
  try {
    makeOptimizer(values.optimizer, opts);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const settings: Record<string, number | string> = {};
  const bs = num('batch-size', values['batch-size'], true);
  if (bs !== undefined) settings.batchSize = bs;
  const kappa = num('kappa', values.kappa);
  if (kappa !== undefined) settings.kappa = kappa;
  if (values.fn !== undefined) settings.fn = values.fn;
  const steps = num('steps', values.steps, true);
  const epochs = num('epochs', values.epochs);
  if (steps !== undefined && steps < 1) throw new UsageError('--steps must be ≥ 1.');
  if (epochs !== undefined && !(epochs > 0)) throw new UsageError('--epochs must be > 0.');
  if (steps !== undefined && epochs !== undefined) throw new UsageError('Give --steps or --epochs, not both.');
  const restarts = num('restarts', values.restarts, true) ?? 1;
  if (restarts < 1) throw new UsageError('--restarts must be ≥ 1.');
  const backend = (values.backend ?? 'wasm') as BackendChoice;
  if (!['wasm', 'cpu'].includes(backend)) throw new UsageError(`--backend must be wasm or cpu, got "${values.backend}".`);
  if (values.out !== undefined && !/\.(json|csv)$/i.test(values.out)) throw new UsageError('--out must end in .json or .csv.');
  const spec: TrainSpec = {
    task: values.task,
    taskSettings: settings,
    optimizer: values.optimizer,
    optimizerOptions: opts,
    seed: num('seed', values.seed, true) ?? 1,
    restarts,
    ...(steps !== undefined ? { steps } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
  };
  return { spec, backend, ...(values.out !== undefined ? { out: values.out } : {}) };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'train') {
    const { spec, out, backend } = parseTrain(rest);
    const { backend: used, fallbackReason } = await startNodeBackend(backend, spec.task);
    if (fallbackReason) process.stderr.write(`backend ${used} (${fallbackReason})\n`);
    const bar = progressBar(process.stderr);
    const results = await train(spec, (p) => bar(`run ${p.run + 1}/${p.runs}`, p.step / p.steps, `step ${p.step}/${p.steps}  loss ${p.loss.toPrecision(4)}`));
    bar.done();
    for (const r of results) {
      const last = r.trace.columns.loss[r.trace.length - 1];
      const acc = r.evals.at(-1)?.testAccuracy;
      process.stdout.write(
        `seed ${r.seed}: ${r.status === 'diverged' ? `diverged at step ${r.divergedAt}` : r.status} after ${r.steps} steps` +
          `, last loss ${last?.toPrecision(5)}${acc !== undefined ? `, test accuracy ${(100 * acc).toFixed(2)} %` : ''} (${r.seconds.toFixed(1)} s)\n`,
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
      options: { seeds: { type: 'string' }, epochs: { type: 'string' }, steps: { type: 'string' }, backend: { type: 'string' }, float64: { type: 'boolean' } },
    });
    const which = positionals[0];
    if (!which || !(which in REPRODUCTIONS)) throw new UsageError(`reproduce needs one of ${Object.keys(REPRODUCTIONS).join(', ')}.`);
    if (values.float64 && which !== 'fig2') throw new UsageError('--float64 applies to reproduce fig2 only.');
    const backend = (values.backend ?? 'wasm') as BackendChoice;
    if (!['wasm', 'cpu'].includes(backend)) throw new UsageError(`--backend must be wasm or cpu, got "${values.backend}".`);
    await startNodeBackend(backend);
    await reproduce(which as keyof typeof REPRODUCTIONS, {
      seeds: num('seeds', values.seeds, true),
      epochs: num('epochs', values.epochs),
      steps: num('steps', values.steps, true),
      float64: values.float64,
    });
    return 0;
  }
  throw new UsageError(`Unknown command "${command}".`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`${(e as Error).message}\n${usage ? `\n${USAGE}` : ''}`);
    process.exit(usage ? 2 : 1);
  },
);
