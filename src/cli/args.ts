/**
 * `lab train`'s arguments, generated from the catalogues: every optimizer's and task's setting is a flag
 * (`--learning-rate`, `--batch-size`; `--lr` for short) and `--set name=value` takes any of them. A setting
 * the chosen optimizer or task does not have is refused with the valid ones (exit 2). Free of tfjs.
 */
import { parseArgs } from 'node:util';
import { optimizerIds, optimizerSpec, optimizerSpecs, unknownOptimizer } from '../optim/catalogue';
import { describeSettings, parseSettingValue, resolveSettings, SettingsError, type SettingSpec } from '../lib/settings';
import { taskIds, taskSettings, taskSpec, taskSpecs, unknownTask } from '../tasks/catalogue';
import type { TrainSpec } from './train';

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export type CliBackend = 'wasm' | 'cpu';

/** What `lab train` runs (train.ts), with where and on which backend. */
export interface TrainArgs extends TrainSpec {
  readonly backend: CliBackend;
  readonly out?: string;
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const ALIASES: Readonly<Record<string, string>> = { lr: 'learningRate' };

/** Every setting key of every optimizer and task, by its flag name. */
function settingFlags(): Map<string, string> {
  const flags = new Map<string, string>(Object.entries(ALIASES));
  for (const s of [...optimizerSpecs().flatMap((o) => o.settings), ...taskSpecs().flatMap((t) => t.settings)])
    flags.set(kebab(s.key), s.key);
  return flags;
}

const FIXED = ['task', 'optimizer', 'steps', 'epochs', 'seed', 'restarts', 'data-dir', 'backend', 'out'] as const;

const settingsHelp = (title: string, id: string, settings: readonly SettingSpec[]) =>
  `  ${id.padEnd(16)} ${title}\n${
    settings.length
      ? describeSettings(settings)
          .map((l) => `      --set ${l}`)
          .join('\n')
      : '      (no settings)'
  }`;

/** The usage, with every optimizer's and task's settings (read from the catalogues when called). */
export function usage(reproductions: readonly string[]): string {
  return `Usage:
  npm run lab -- train --task <task> --optimizer <name> [options]
  npm run lab -- reproduce <${reproductions.join('|')}> [--seeds N] [--epochs N] [--steps N] [--backend wasm|cpu]
  npm run lab -- reproduce fig2 --float64 [--seeds N]   the same seeds in float64, outside the engine
  npm run lab -- reproduce peers --task <regression|mnist-mlp|repeat-copy> [--seeds N] [--epochs N] [--steps N]
                         L4 against Prodigy, D-Adapt, DoG, Schedule-Free and Adam at the paper's rate
  npm run lab -- reproduce momo-sweep [--seeds N] [--epochs N] [--out DIR] [--workers N | --queue URL] [--report-only]
                         MoMo's MNIST-MLP learning-rate sweep (step-back) beside its published accuracies,
                         with L4Adam and L4Mom over α, through the sweep engine: DIR/momo-sweep.md
  npm run lab -- sweep spec.json [--out DIR] [--workers N] [--max-points N]
                         every run of a sweep spec on a local pool of processes (see README); merged into
                         DIR/results.json and the page's bundle DIR/<name>.bundle.json (N rows per run, 5000)
  npm run lab -- sweep spec.json --queue URL [--out DIR] [--no-wait] [--retry-failed]
                         the same runs through BullMQ on Redis (redis://host:port[/db], rediss://…,
                         unix:///path/redis.sock), trained by lab worker on any number of machines
  npm run lab -- benchmark [--seeds N] [--out DIR] [--workers N | --queue URL] [--spec FILE] [--report-only]
                         the shipped benchmark sweep (every task without user data; L4 and the peers at
                         their defaults, Adam/momentum/SGD tuned), then targets, times to target, the
                         performance profile and AlgoPerf's score: DIR/benchmark.md, profile.svg, benchmark.json
                         (--reference OPTIMIZER scores against that optimizer's times, not the fastest's)
                         (--write-spec FILE writes the shipped spec to edit and pass back as --spec)
  npm run lab -- worker --queue URL [--processes N] [--lock-ms MS] [--stalled-ms MS] [--idle-exit S]
                         train queued runs (one per process); SIGTERM finishes the current run first
  npm run lab -- --help   this text

train options:
  --task <id>            ${taskIds().join(', ')}
  --optimizer <name>     ${optimizerIds().join(', ')}
  --steps <n>            steps per run (default: the task's, or --epochs)
  --epochs <x>           epochs per run (for tasks with epochs, e.g. mnist-mlp)
  --seed <n>             first seed (default 1)
  --restarts <n>         runs with seeds seed, seed+1, … (default 1)
  --set <name>=<value>   any setting of the optimizer or the task below (repeatable); each also works as
                         --<name in kebab case>, e.g. --alpha 0.2, --learning-rate 1e-3 (--lr), --batch-size 32
  --data-dir <dir>       MNIST-format IDX files to use instead of the packaged MNIST (CIFAR-10: the binary batches)
  --backend <b>          wasm (default) or cpu
  --out <file>           write the result: .json (config, traces, test metrics) or .csv (one row per step)

optimizers and their settings:
${optimizerSpecs()
  .map((o) => settingsHelp(o.title, o.id, o.settings))
  .join('\n')}

tasks and their settings:
${taskSpecs()
  .map((t) => settingsHelp(t.title, t.id, t.settings))
  .join('\n')}
`;
}

export const num = (name: string, v: string | undefined, int = false): number | undefined => {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || (int && !Number.isInteger(x))) {
    throw new UsageError(`--${name} must be ${int ? 'a whole number' : 'a number'}, got "${v}".`);
  }
  return x;
};

/** Parses `lab train`'s arguments; every mistake is a `UsageError` with a sentence. */
export function parseTrain(args: string[]): TrainArgs {
  const flags = settingFlags();
  const options: Record<string, { type: 'string'; multiple?: boolean }> = {};
  for (const f of [...FIXED, ...flags.keys()]) options[f] = { type: 'string' };
  options.set = { type: 'string', multiple: true };
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options });
  const v = values as Record<string, string | string[] | undefined>;
  const str = (k: string) => v[k] as string | undefined;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const task = str('task');
  const optimizer = str('optimizer');
  if (!task || !taskSpec(task)) throw new UsageError(task ? unknownTask(task) : `--task is required: one of ${taskIds().join(', ')}.`);
  if (!optimizer || !optimizerSpec(optimizer))
    throw new UsageError(optimizer ? unknownOptimizer(optimizer) : `--optimizer is required: one of ${optimizerIds().join(', ')}.`);
  const oSpec = optimizerSpec(optimizer)!;
  const tSpec = taskSpec(task)!;

  // Every setting given, by its key, in the order given: flags, then --set.
  const given: [string, string][] = [];
  for (const [flag, key] of flags) if (str(flag) !== undefined) given.push([key, str(flag)!]);
  for (const item of (v.set as string[] | undefined) ?? []) {
    const m = /^([A-Za-z][\w-]*)=(.*)$/.exec(item);
    if (!m) throw new UsageError(`--set takes name=value, got "${item}".`);
    given.push([flags.get(kebab(m[1]!)) ?? flags.get(m[1]!) ?? m[1]!, m[2]!]);
  }
  const opts: Record<string, number> = {};
  const settings: Record<string, number | string> = {};
  for (const [key, raw] of given) {
    const os = oSpec.settings.find((s) => s.key === key);
    const ts = tSpec.settings.find((s) => s.key === key);
    if (os) opts[key] = parseSettingValue(os, raw) as number;
    else if (ts) settings[key] = parseSettingValue(ts, raw);
    else {
      throw new UsageError(
        `"${key}" is not a setting of ${oSpec.title} or of the task ${task}. ${oSpec.title}: ${oSpec.settings.map((s) => s.key).join(', ') || 'none'}; ${task}: ${tSpec.settings.map((s) => s.key).join(', ') || 'none'}.`,
      );
    }
  }
  try {
    resolveSettings(oSpec.title, oSpec.settings, opts);
    taskSettings(task, settings);
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(e.message);
    throw e;
  }
  const steps = num('steps', str('steps'), true);
  const epochs = num('epochs', str('epochs'));
  if (steps !== undefined && steps < 1) throw new UsageError('--steps must be ≥ 1.');
  if (epochs !== undefined && !(epochs > 0)) throw new UsageError('--epochs must be > 0.');
  if (steps !== undefined && epochs !== undefined) throw new UsageError('Give --steps or --epochs, not both.');
  const restarts = num('restarts', str('restarts'), true) ?? 1;
  if (restarts < 1) throw new UsageError('--restarts must be ≥ 1.');
  const backend = str('backend') ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--backend must be wasm or cpu, got "${backend}".`);
  const out = str('out');
  if (out !== undefined && !/\.(json|csv)$/i.test(out)) throw new UsageError('--out must end in .json or .csv.');
  const dataDir = str('data-dir');
  return {
    task,
    taskSettings: settings,
    optimizer,
    optimizerOptions: opts,
    seed: num('seed', str('seed'), true) ?? 1,
    restarts,
    backend,
    ...(steps !== undefined ? { steps } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(dataDir !== undefined ? { dataDir } : {}),
    ...(out !== undefined ? { out } : {}),
  };
}
