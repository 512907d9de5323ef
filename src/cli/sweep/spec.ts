/**
 * Sweep specs: a versioned JSON file naming tasks with their settings and budgets, optimizers
 * with grids over any of their numeric settings (given values, or log- or linear-spaced), seeds and a backend.
 * `parseSweepSpec` checks all of it before anything runs and reports every problem as a sentence;
 * `expandSweep` lists the runs (tasks × grid points × seeds), each with its run key: the first 16 hex digits of
 * the sha256 of the canonical JSON of what decides the run's result (task, its settings, optimizer, its
 * settings, seed, budget, backend and a fingerprint of the data), so the same run in two sweeps has one key.
 */
import { createHash } from 'node:crypto';
import { optimizerSpec, RECIPE_OPTIONS, unknownOptimizer } from '../../optim/catalogue';
import { isChoice, resolveSettings } from '../../lib/settings';
import { taskSettings, taskSpec, unknownTask } from '../../tasks/catalogue';
import { isObject } from '../../lib/isObject';

export const SWEEP_KIND = 'l4-lab-sweep';
export const SWEEP_VERSION = 1;
/** Runs one sweep may hold. */
export const MAX_SWEEP_RUNS = 10_000;
const MAX_STEPS = 1_000_000;

/** A grid axis: the values themselves, or `points` values spaced evenly (in log space for `log`) from lo to hi. */
export type GridAxis =
  readonly number[] | { readonly log: readonly [number, number, number] } | { readonly linear: readonly [number, number, number] };

export interface SweepTask {
  readonly task: string;
  readonly settings?: Readonly<Record<string, number | string>>;
  readonly steps?: number;
  readonly epochs?: number;
}

export interface SweepOptimizer {
  readonly optimizer: string;
  /** Fixed settings for every grid point. */
  readonly options?: Readonly<Record<string, number | string>>;
  readonly grid?: Readonly<Record<string, GridAxis>>;
}

export interface SweepSpec {
  readonly kind: typeof SWEEP_KIND;
  readonly v: typeof SWEEP_VERSION;
  /** [A-Za-z0-9_.-], at most 40 characters (it becomes part of job ids, which may not contain ':'). */
  readonly name: string;
  readonly tasks: readonly SweepTask[];
  readonly optimizers: readonly SweepOptimizer[];
  readonly seeds: { readonly first: number; readonly count: number };
  readonly backend?: 'wasm' | 'cpu';
}

/** One run of a sweep. */
export interface SweepRun {
  readonly runKey: string;
  /** The grid point's name: optimizer and the grid's values ("adam-learningRate=0.001"). */
  readonly specId: string;
  readonly task: string;
  readonly taskSettings: Record<string, number | string>;
  readonly optimizer: string;
  readonly optimizerOptions: Record<string, number | string>;
  readonly seed: number;
  readonly budget: { readonly steps: number } | { readonly epochs: number };
  readonly backend: 'wasm' | 'cpu';
}

export class SweepSpecError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `The sweep spec has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
  }
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (x !== null && typeof x === 'object')
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((x as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(x);
}

/** The run key of a run: what decides its result, hashed (the sweep's name is not part of it). */
export function runKey(run: Omit<SweepRun, 'runKey' | 'specId'>, data: string): string {
  const { task, taskSettings: ts, optimizer, optimizerOptions, seed, budget, backend } = run;
  const text = canonicalJson({ task, taskSettings: ts, optimizer, optimizerOptions, seed, budget, backend, data });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** A grid axis's values (log axes: 3 significant digits, as the page's tuning grid). */
export function axisValues(a: GridAxis): number[] {
  if (Array.isArray(a)) return [...(a as readonly number[])];
  const [lo, hi, n] = 'log' in a ? a.log : (a as { linear: readonly [number, number, number] }).linear;
  if (n === 1) return [lo];
  return Array.from({ length: n }, (_, i) =>
    'log' in a
      ? Number(Math.exp(Math.log(lo) + (i * (Math.log(hi) - Math.log(lo))) / (n - 1)).toPrecision(3))
      : lo + (i * (hi - lo)) / (n - 1),
  );
}

const plainSettings = (x: unknown): x is Record<string, number | string> =>
  isObject(x) && Object.values(x).every((v) => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string');

/** Checks a grid axis; returns a sentence, or null. */
function axisProblem(where: string, a: unknown): string | null {
  if (Array.isArray(a)) {
    if (a.length === 0) return `${where} has no values.`;
    if (!a.every((v) => typeof v === 'number' && Number.isFinite(v))) return `${where} must hold finite numbers.`;
    return null;
  }
  if (!isObject(a) || Object.keys(a).length !== 1 || !('log' in a || 'linear' in a))
    return `${where} must be a list of numbers, {"log": [lo, hi, points]} or {"linear": [lo, hi, points]}.`;
  const kind = 'log' in a ? 'log' : 'linear';
  const t = a[kind];
  if (!Array.isArray(t) || t.length !== 3 || !t.every((v) => typeof v === 'number' && Number.isFinite(v)))
    return `${where}: "${kind}" takes [lo, hi, points], three numbers.`;
  const [lo, hi, n] = t as [number, number, number];
  if (!Number.isInteger(n) || n < 1 || n > 100) return `${where}: points must be a whole number in [1, 100], got ${n}.`;
  if (!(lo <= hi)) return `${where}: lo ${lo} is above hi ${hi}.`;
  if (kind === 'log' && !(lo > 0)) return `${where}: a log axis needs lo > 0, got ${lo}.`;
  return null;
}

/** Checks a parsed JSON value; throws a `SweepSpecError` listing every problem, each as a sentence. */
export function parseSweepSpec(raw: unknown): SweepSpec {
  const p: string[] = [];
  if (!isObject(raw)) throw new SweepSpecError(['A sweep spec is a JSON object.']);
  if (raw.kind !== SWEEP_KIND) p.push(`"kind" must be "${SWEEP_KIND}", got ${JSON.stringify(raw.kind)}.`);
  if (raw.v !== SWEEP_VERSION) p.push(`This lab reads sweep specs of version ${SWEEP_VERSION}, got ${JSON.stringify(raw.v)}.`);
  if (typeof raw.name !== 'string' || !/^[\w.-]{1,40}$/.test(raw.name))
    p.push(`"name" must be 1–40 letters, digits, "_", "." or "-", got ${JSON.stringify(raw.name)}.`);
  const tasks = Array.isArray(raw.tasks) ? raw.tasks : [];
  if (tasks.length === 0) p.push('"tasks" must list at least one task.');
  tasks.forEach((t: unknown, i) => {
    const where = `Task ${i + 1}`;
    if (!isObject(t) || typeof t.task !== 'string') return void p.push(`${where} must be an object with a "task" name.`);
    if (!taskSpec(t.task)) return void p.push(`${where}: ${unknownTask(t.task)}`);
    if (t.settings !== undefined && !plainSettings(t.settings))
      return void p.push(`${where}: "settings" must map names to numbers or names.`);
    try {
      taskSettings(t.task, (t.settings ?? {}) as Record<string, unknown>);
    } catch (e) {
      p.push(`${where}: ${(e as Error).message}`);
    }
    if (t.steps !== undefined && t.epochs !== undefined) p.push(`${where}: give "steps" or "epochs", not both.`);
    if (t.steps !== undefined && (!Number.isInteger(t.steps) || (t.steps as number) < 1 || (t.steps as number) > MAX_STEPS))
      p.push(`${where}: "steps" must be a whole number in [1, ${MAX_STEPS}], got ${JSON.stringify(t.steps)}.`);
    if (t.epochs !== undefined && !(typeof t.epochs === 'number' && t.epochs > 0 && t.epochs <= 1000))
      p.push(`${where}: "epochs" must be a number in (0, 1000], got ${JSON.stringify(t.epochs)}.`);
  });
  const optimizers = Array.isArray(raw.optimizers) ? raw.optimizers : [];
  if (optimizers.length === 0) p.push('"optimizers" must list at least one optimizer.');
  optimizers.forEach((o: unknown, i) => {
    const where = `Optimizer ${i + 1}`;
    if (!isObject(o) || typeof o.optimizer !== 'string') return void p.push(`${where} must be an object with an "optimizer" name.`);
    const spec = optimizerSpec(o.optimizer);
    if (!spec) return void p.push(`${where}: ${unknownOptimizer(o.optimizer)}`);
    if (o.options !== undefined && !plainSettings(o.options)) return void p.push(`${where}: "options" must map names to numbers or names.`);
    if (o.grid !== undefined && !isObject(o.grid)) return void p.push(`${where}: "grid" must map setting names to axes.`);
    const grid = (o.grid ?? {}) as Record<string, unknown>;
    let ok = true;
    for (const [k, a] of Object.entries(grid)) {
      const s = spec.settings.find((x) => x.key === k);
      if (!s || isChoice(s)) {
        p.push(
          `${where} (${spec.title}): "${k}" is not a numeric setting; its numeric settings are ${
            spec.settings
              .filter((x) => !isChoice(x))
              .map((x) => x.key)
              .join(', ') || 'none'
          }.`,
        );
        ok = false;
        continue;
      }
      const problem = axisProblem(`${where} (${spec.title}), grid "${k}"`, a);
      if (problem) {
        p.push(problem);
        ok = false;
      }
    }
    if (!ok) return;
    // Every grid point must be a valid setting of the optimizer, with the fixed options.
    for (const point of gridPoints(grid as Record<string, GridAxis>)) {
      try {
        resolveSettings(spec.title, spec.settings, { ...(o.options as object), ...point }, RECIPE_OPTIONS);
      } catch (e) {
        p.push(`${where}: ${(e as Error).message}`);
        break;
      }
    }
  });
  const seeds = raw.seeds;
  if (
    !isObject(seeds) ||
    !Number.isInteger(seeds.first) ||
    !Number.isInteger(seeds.count) ||
    (seeds.count as number) < 1 ||
    (seeds.count as number) > 100
  )
    p.push(`"seeds" must be {"first": a whole number, "count": 1 to 100}, got ${JSON.stringify(seeds)}.`);
  if (raw.backend !== undefined && raw.backend !== 'wasm' && raw.backend !== 'cpu')
    p.push(`"backend" must be "wasm" or "cpu" (the backends of Node), got ${JSON.stringify(raw.backend)}.`);
  if (p.length === 0) {
    const total =
      tasks.length *
      optimizers.reduce((a: number, o: SweepOptimizer) => a + gridPoints(o.grid ?? {}).length, 0) *
      (seeds as { count: number }).count;
    if (total > MAX_SWEEP_RUNS)
      p.push(`The sweep has ${total} runs; at most ${MAX_SWEEP_RUNS} are allowed. Split it, or use fewer points or seeds.`);
  }
  if (p.length) throw new SweepSpecError(p);
  return raw as unknown as SweepSpec;
}

/** Every combination of the grid's axes (one empty point without a grid), in the spec's key order. */
export function gridPoints(grid: Readonly<Record<string, GridAxis>>): Record<string, number>[] {
  return Object.entries(grid).reduce<Record<string, number>[]>(
    (points, [k, axis]) => points.flatMap((pt) => axisValues(axis).map((v) => ({ ...pt, [k]: v }))),
    [{}],
  );
}

/**
 * The runs of a valid spec, in grid order (task, optimizer, grid point, seed), with their run keys. `data(task)`
 * is the fingerprint of the task's data (a content hash; empty for tasks that generate their own).
 */
export function expandSweep(spec: SweepSpec, data: (task: string) => string = () => ''): SweepRun[] {
  const out: SweepRun[] = [];
  for (const t of spec.tasks) {
    const ts = taskSettings(t.task, t.settings ?? {});
    const budget = t.epochs !== undefined ? { epochs: t.epochs } : { steps: t.steps ?? taskSpec(t.task)!.defaultSteps };
    for (const o of spec.optimizers) {
      for (const point of gridPoints(o.grid ?? {})) {
        const optimizerOptions = { ...(o.options ?? {}), ...point };
        const label = Object.entries(point)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        const specId = label ? `${o.optimizer}-${label}` : o.optimizer;
        for (let k = 0; k < spec.seeds.count; k++) {
          const run = {
            task: t.task,
            taskSettings: ts,
            optimizer: o.optimizer,
            optimizerOptions,
            seed: spec.seeds.first + k,
            budget,
            backend: spec.backend ?? 'wasm',
          } as const;
          out.push({ runKey: runKey(run, data(t.task)), specId, ...run });
        }
      }
    }
  }
  return out;
}
