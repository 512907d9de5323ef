import { optimizerLabel } from '../optim/catalogue';
import { PEERS_TASK_SETTINGS, PEERS_TASKS, peersLineup } from '../experiments';
import { taskSpec } from '../tasks/catalogue';
import type { RunResult, TrainSpec } from './train';

/** The loss each task's "steps to target" counts to (the training loss averaged over a window of 1 % of the run). */
export const PEERS_TARGETS: Readonly<Record<(typeof PEERS_TASKS)[number], number>> = {
  regression: 1e-2,
  'mnist-mlp': 0.1,
  'repeat-copy': 1e-2,
};

/** min, max and the mean in log space (the paper's aggregate over seeds). */
export interface Spread {
  readonly logMean: number;
  readonly min: number;
  readonly max: number;
  /** Seeds that gave no value (diverged, or never reached the target). */
  readonly missing: number;
}

export function spread(values: readonly number[]): Spread {
  const ok = values.filter((x) => Number.isFinite(x) && x > 0);
  if (ok.length === 0) return { logMean: NaN, min: NaN, max: NaN, missing: values.length };
  return {
    logMean: Math.exp(ok.reduce((a, x) => a + Math.log(x), 0) / ok.length),
    min: Math.min(...ok),
    max: Math.max(...ok),
    missing: values.length - ok.length,
  };
}

/** The mean of the training loss over the last `w` steps (the final training loss of a minibatch run). */
export function finalLoss(r: RunResult, w: number): number {
  if (r.status === 'diverged') return Infinity;
  const l = r.trace.columns.loss;
  const tail = l.subarray(Math.max(0, l.length - w));
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** The first step at which the loss averaged over the `w` steps up to it is at or below `target`; NaN if never. */
export function stepsToTarget(r: RunResult, target: number, w: number): number {
  const l = r.trace.columns.loss;
  let sum = 0;
  for (let i = 0; i < l.length; i++) {
    sum += l[i]!;
    if (i >= w) sum -= l[i - w]!;
    if (i >= w - 1 && sum / w <= target) return i + 1;
  }
  return NaN;
}

/** Milliseconds per training step, from the trace's wall clock (evaluations excluded). */
export function msPerStep(r: RunResult): number {
  const t = r.trace.columns.wallTime;
  return t.length > 1 ? (t[t.length - 1]! - t[0]!) / (t.length - 1) : NaN;
}

/**
 * A run that collapsed to (about) one class: its best test accuracy at the trained parameters under 20 % (one class
 * of MNIST's ten is ~10 %). D-Adaptation Adam does this on some seeds with the zero output layer (REPRODUCTION.md).
 */
export const COLLAPSED_BELOW = 0.2;
export const collapsed = (r: RunResult): boolean => !(bestAccuracy(r).raw >= COLLAPSED_BELOW);

/** The best test accuracy over a run's evaluations: at its evaluation point, and at the trained parameters. */
export function bestAccuracy(r: RunResult): { at: number; raw: number } {
  let at = NaN;
  let raw = NaN;
  for (const e of r.evals) {
    if (e.testAccuracy !== undefined && !(e.testAccuracy <= at)) at = e.testAccuracy;
    const rawAcc = e.raw?.testAccuracy ?? e.testAccuracy;
    if (rawAcc !== undefined && !(rawAcc <= raw)) raw = rawAcc;
  }
  return { at, raw };
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toExponential(digits) : '—');
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(2) : '—');
const range = (s: Spread, f: (x: number) => string) => `${f(s.logMean)} [${f(s.min)}, ${f(s.max)}]${s.missing ? ` (${s.missing} –)` : ''}`;

/**
 * `lab reproduce peers --task <id>`: L4Adam and L4Mom against Prodigy, D-Adapt Adam, DoG, Schedule-Free AdamW and
 * SGD, and Adam at the paper's rate, on the same seeds (same initial weights and batches per seed). One row per
 * optimizer: final training loss, steps to the task's target loss, best test accuracy at the optimizer's evaluation
 * point (x for Schedule-Free, the average for DoG) and at the trained parameters, and ms per step; each the log-space
 * mean with [min, max] over the seeds.
 */
export async function peers(
  o: { seeds?: number | undefined; epochs?: number | undefined; steps?: number | undefined; task?: string | undefined },
  runSetting: (label: string, spec: TrainSpec) => Promise<RunResult[]>,
  out: (s: string) => void,
): Promise<void> {
  const task = o.task ?? 'regression';
  if (!(PEERS_TASKS as readonly string[]).includes(task))
    throw new Error(`reproduce peers runs on ${PEERS_TASKS.join(', ')}; got "${task}".`);
  const spec = taskSpec(task)!;
  const seeds = o.seeds ?? 5;
  const target = PEERS_TARGETS[task as (typeof PEERS_TASKS)[number]];
  const fixed = PEERS_TASK_SETTINGS[task as (typeof PEERS_TASKS)[number]];
  const settingsNote = Object.keys(fixed).length
    ? ` (${Object.entries(fixed)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`
    : '';
  const length = o.epochs !== undefined ? { epochs: o.epochs } : { steps: o.steps ?? spec.defaultSteps };
  out(
    `L4 vs learning-rate-free — ${spec.title}${settingsNote}, ${'epochs' in length ? `${length.epochs} epoch(s)` : `${length.steps} steps`}, ${seeds} seeds (same initial weights and batches for every optimizer)`,
  );
  out(`final loss: mean training loss over the last 1 % of steps; target: ${target} (loss averaged over 1 % of the run)`);
  out('each cell: log-space mean [min, max] over seeds; (k –): k seeds diverged or never reached it');
  const header = [
    'optimizer',
    'final loss',
    'steps to target',
    ...(spec.hasTest ? ['best test acc. % (eval point)', 'at the iterate', `collapsed (< ${100 * COLLAPSED_BELOW} %)`] : []),
    'ms/step',
  ];
  const rows: string[][] = [];
  for (const { optimizer, options } of peersLineup(task, { withSfSgd: true })) {
    const label = optimizerLabel(optimizer, options);
    const results = await runSetting(label, {
      task,
      taskSettings: { ...fixed },
      optimizer,
      optimizerOptions: { ...options },
      seed: 1,
      restarts: seeds,
      ...length,
    });
    const w = Math.max(1, Math.round(results[0]!.trace.length / 100));
    const acc = results.map(bestAccuracy);
    rows.push([
      label + (Object.keys(options).length ? ` ${JSON.stringify(options)}` : ''),
      range(spread(results.map((r) => finalLoss(r, w))), (x) => fmt(x)),
      range(spread(results.map((r) => stepsToTarget(r, target, w))), (x) => (Number.isFinite(x) ? String(Math.round(x)) : '—')),
      ...(spec.hasTest
        ? [
            range(spread(acc.map((a) => a.at)), pct),
            range(spread(acc.map((a) => a.raw)), pct),
            `${results.filter(collapsed).length}/${results.length}`,
          ]
        : []),
      range(spread(results.map(msPerStep)), (x) => (Number.isFinite(x) ? x.toFixed(2) : '—')),
    ]);
  }
  out('');
  out(`| ${header.join(' | ')} |`);
  out(`|${header.map(() => ' --- ').join('|')}|`);
  for (const r of rows) out(`| ${r.join(' | ')} |`);
}
