import { optimizerIds, optimizerSpec, optimizerTitle } from '../optim/catalogue';
import { checkSetting } from '../lib/settings';
import { taskSpec, taskTitle } from '../tasks/catalogue';
import {
  MOMO_TASKS,
  momoLineup,
  SELF_TUNING_STEPS,
  SELF_TUNING_TASK,
  selfTuningLineup,
  PAPER_SETUPS,
  PEERS_TASK_SETTINGS,
  PEERS_TASKS,
  peersLineup,
  type LineupEntry,
  type PaperSetup,
} from '../experiments';
import type { BackendChoice } from '../worker/protocol';

export { checkParam, type ParamSpec } from '../lib/settings';

/**
 * The experiment is a value (TensorFlow Playground's state.ts habit): serialisable, seeded, versioned, and
 * round-trips through the URL. This module is free of tfjs so the page can load it cheaply.
 */
export const EXPERIMENT_VERSION = 1;

/** One compared optimizer; it runs once per seed. */
export interface RunSpec {
  readonly id: string;
  readonly optimizer: OptimizerName;
  readonly options: Readonly<Record<string, number | string>>;
}

export interface Experiment {
  readonly v: typeof EXPERIMENT_VERSION;
  readonly task: TaskName;
  readonly taskSettings: Readonly<Record<string, number | string>>;
  readonly runs: readonly RunSpec[];
  /** First seed; restarts use seed, seed + 1, … */
  readonly seed: number;
  readonly seeds: number;
  readonly steps: number;
  readonly backend: BackendChoice;
  /** Record each step's quality (predicted against measured loss decrease; one extra forward pass per step). */
  readonly stepQuality?: boolean;
}

/** A task id of the task catalogue (src/tasks/catalogue.ts). */
export type TaskName = string;
/** An optimizer id of the optimizer catalogue (src/optim/catalogue.ts). */
export type OptimizerName = string;

/**
 * What the lab opens with: the paper's headline comparison, L4Adam against Adam at the paper's setting (lr 1e-3,
 * TensorFlow's ε form) on the MNIST MLP, 3 seeds, one epoch. Runs start interleaved (a.1, b.1, then a.2, …), so
 * both optimizers' curves move from the first seconds; the whole experiment streams for a minute or two.
 */
export const DEFAULT_EXPERIMENT: Experiment = {
  v: EXPERIMENT_VERSION,
  task: 'mnist-mlp',
  taskSettings: { batchSize: 64 },
  runs: [
    { id: 'a', optimizer: 'l4adam', options: {} },
    { id: 'b', optimizer: 'adam', options: { learningRate: 1e-3, epsilonForm: 'tensorflow' } },
  ],
  seed: 1,
  seeds: 3,
  steps: 937,
  backend: 'auto',
};

/** A comparison on a 2-D function that is over in about a second (the "2-D functions" preset). */
export const FUNCTIONS_2D_EXPERIMENT: Experiment = {
  ...DEFAULT_EXPERIMENT,
  task: 'functions-2d',
  taskSettings: { fn: 'rosenbrock' },
  runs: [
    { id: 'a', optimizer: 'l4adam', options: {} },
    { id: 'b', optimizer: 'adam', options: { learningRate: 0.01 } },
  ],
  seeds: 1,
  steps: 500,
};

/** A paper set-up (experiments/paper.ts) as the page's preset runs it: its line-up as runs a, b, …, its page length. */
export function paperExperiment(p: PaperSetup): Experiment {
  return {
    ...DEFAULT_EXPERIMENT,
    task: p.task,
    taskSettings: { ...p.taskSettings },
    runs: p.lineup.map(({ optimizer, options }, i) => ({ id: String.fromCharCode(97 + i), optimizer, options: { ...options } })),
    seeds: p.page.seeds,
    steps: p.page.steps,
  };
}

/**
 * A comparison on one of the tasks the paper ran Adam on: its line-up as runs a, b, …, the task's settings of the
 * comparisons (repeat-copy's LSTM controller), its default length, a seed on MNIST and two elsewhere.
 */
function lineupPreset(title: string, task: string, lineup: readonly LineupEntry[]): { title: string; experiment: Experiment } {
  const settings = PEERS_TASK_SETTINGS[task as (typeof PEERS_TASKS)[number]] ?? {};
  return {
    title: `${title}, on ${taskSpec(task)!.shortTitle}${Object.entries(settings)
      .map(([k, v]) => `, ${k} ${v}`)
      .join('')}`,
    experiment: {
      ...DEFAULT_EXPERIMENT,
      task,
      taskSettings: { ...settings },
      runs: lineup.map((r, i) => ({ id: String.fromCharCode(97 + i), ...r })),
      seeds: task === 'mnist-mlp' ? 1 : 2,
      steps: taskSpec(task)!.defaultSteps,
    },
  };
}

/** One-click set-ups of the paper's figures and table, and the comparisons with L4's peers and successors. */
export const PRESETS: Record<string, { title: string; experiment: Experiment }> = {
  functions2d: {
    title: '2-D functions: L4Adam and Adam on Rosenbrock, 500 steps (about a second); the task’s function choice has the others',
    experiment: FUNCTIONS_2D_EXPERIMENT,
  },
  ...Object.fromEntries(Object.values(PAPER_SETUPS).map((p) => [p.id, { title: p.title, experiment: paperExperiment(p) }])),
  ...Object.fromEntries(
    PEERS_TASKS.map((task) => [
      `peers-${task}`,
      lineupPreset(
        `L4 vs learning-rate-free, ${task}: L4Adam and L4Mom against Prodigy, D-Adapt, DoG, Schedule-Free AdamW and Adam at the paper’s rate`,
        task,
        peersLineup(task),
      ),
    ]),
  ),
  ...Object.fromEntries(
    MOMO_TASKS.map((task) => [
      `momo-${task}`,
      lineupPreset(
        `L4 vs MoMo, ${task}: L4Adam and L4Mom against MoMo-Adam, MoMo, MoMo-Adam* and Adam at the paper’s rate`,
        task,
        momoLineup(task),
      ),
    ]),
  ),
  'self-tuning-2026': selfTuningPreset(),
};

/** "2026 self-tuning": one seed, 5 epochs of AlgoPerf's MNIST workload (the warm-ups are 2 % of that). */
function selfTuningPreset(): { title: string; experiment: Experiment } {
  const p = lineupPreset(
    'AlgoPerf 2026 self-tuning: L4Adam and L4Muon against Schedule-Free AdamW, AdEMAMix, Lion, Cautious NAdamW and Muon at their published points',
    SELF_TUNING_TASK,
    selfTuningLineup(SELF_TUNING_STEPS),
  );
  return { title: p.title, experiment: { ...p.experiment, seeds: 1, steps: SELF_TUNING_STEPS } };
}

const MAX_RUNS = 8;
const MAX_SEEDS = 10;
/** What an opened run bundle may hold: a merged sweep has a run per grid point and up to 100 seeds, none dropped. */
export const BUNDLE_EXPERIMENT_LIMITS = { maxRuns: 1000, maxSeeds: 100 } as const;
const MAX_STEPS = 1_000_000;

/**
 * Turns anything (a decoded link, an imported bundle) into the nearest valid experiment, with a sentence
 * for everything that had to change. Never throws, never evaluates anything.
 */
export function sanitizeExperiment(
  raw: unknown,
  limits: { readonly maxRuns: number; readonly maxSeeds: number } = { maxRuns: MAX_RUNS, maxSeeds: MAX_SEEDS },
): { experiment: Experiment; notices: string[] } {
  const notices: string[] = [];
  const d = DEFAULT_EXPERIMENT;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { experiment: d, notices: ['The experiment could not be read; the default experiment is shown.'] };
  }
  const r = raw as Record<string, unknown>;
  if (r.v !== EXPERIMENT_VERSION)
    notices.push(`The link is from experiment version ${String(r.v)}; it was read as version ${EXPERIMENT_VERSION}.`);
  let task: TaskName = d.task;
  if (typeof r.task === 'string' && taskSpec(r.task)) task = r.task;
  else if (r.task !== undefined) notices.push(`Unknown task "${String(r.task)}"; using ${taskTitle(d.task)}.`);
  const tSpec = taskSpec(task)!;
  const taskSettings: Record<string, number | string> = {};
  if (r.taskSettings && typeof r.taskSettings === 'object') {
    const given = r.taskSettings as Record<string, unknown>;
    for (const k of Object.keys(given).filter((k) => !tSpec.settings.some((s) => s.key === k))) {
      notices.push(
        `Task setting "${k}" is not a setting of ${taskTitle(task)} and was dropped (valid: ${tSpec.settings.map((s) => s.key).join(', ')}).`,
      );
    }
    for (const spec of tSpec.settings) {
      const v = given[spec.key];
      if (v === undefined) continue;
      const problem = checkSetting(spec, v);
      if (problem) notices.push(`${taskTitle(task)}: ${problem} Using ${String(spec.default)}.`);
      else taskSettings[spec.key] = v as number | string;
    }
  } else if (task === d.task) Object.assign(taskSettings, d.taskSettings);
  const int = (key: string, v: unknown, lo: number, hi: number, def: number) => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi) return v;
    if (v !== undefined) notices.push(`${key} must be a whole number in [${lo}, ${hi}], got ${JSON.stringify(v)}; using ${def}.`);
    return def;
  };
  const runs: RunSpec[] = [];
  const rawRuns = Array.isArray(r.runs) ? r.runs : [];
  if (!Array.isArray(r.runs) && r.runs !== undefined) notices.push('The list of runs could not be read.');
  for (const [i, item] of rawRuns.slice(0, limits.maxRuns).entries()) {
    const it = (item ?? {}) as Record<string, unknown>;
    const oSpec = typeof it.optimizer === 'string' ? optimizerSpec(it.optimizer) : undefined;
    if (!oSpec) {
      notices.push(`Run ${i + 1}: unknown optimizer "${String(it.optimizer)}"; it was left out (known: ${optimizerIds().join(', ')}).`);
      continue;
    }
    const optimizer = oSpec.id;
    const options: Record<string, number | string> = {};
    const given = it.options && typeof it.options === 'object' ? (it.options as Record<string, unknown>) : {};
    for (const k of Object.keys(given).filter((k) => !oSpec.settings.some((s) => s.key === k))) {
      notices.push(
        `Run ${i + 1}: "${k}" is not a setting of ${oSpec.title} and was dropped (valid: ${oSpec.settings.map((s) => s.key).join(', ')}).`,
      );
    }
    for (const spec of oSpec.settings) {
      const v = given[spec.key];
      if (v === undefined) continue;
      const problem = checkSetting(spec, v);
      if (problem) notices.push(`Run ${i + 1} (${optimizerTitle(optimizer)}): ${problem} Using ${spec.default}.`);
      else options[spec.key] = v as number | string;
    }
    const id = typeof it.id === 'string' && /^[a-z0-9]{1,8}$/.test(it.id) && !runs.some((x) => x.id === it.id) ? it.id : nextRunId(runs);
    runs.push({ id, optimizer, options });
  }
  if (rawRuns.length > limits.maxRuns) notices.push(`Only the first ${limits.maxRuns} runs were kept.`);
  if (runs.length === 0) {
    runs.push(...d.runs);
    if (rawRuns.length > 0 || r.runs !== undefined) notices.push('No valid runs were left; the default runs are shown.');
  }
  const backend = (['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const).includes(r.backend as BackendChoice)
    ? (r.backend as BackendChoice)
    : 'auto';
  if (r.backend !== undefined && backend !== r.backend) notices.push(`Unknown backend "${String(r.backend)}"; choosing automatically.`);
  if (r.stepQuality !== undefined && typeof r.stepQuality !== 'boolean')
    notices.push(`Step quality is on or off (true or false), got ${JSON.stringify(r.stepQuality)}; it is off.`);
  return {
    experiment: {
      v: EXPERIMENT_VERSION,
      task,
      taskSettings,
      runs,
      seed: int('seed', r.seed, -1e9, 1e9, d.seed),
      seeds: int('seeds', r.seeds, 1, limits.maxSeeds, d.seeds),
      steps: int('steps', r.steps, 1, MAX_STEPS, d.steps),
      backend,
      ...(r.stepQuality === true ? { stepQuality: true } : {}),
    },
    notices,
  };
}

/** A short id for a new run that no other run has. */
export function nextRunId(runs: readonly RunSpec[]): string {
  for (let i = 0; ; i++) {
    const id = i < 26 ? String.fromCharCode(97 + i) : `r${i}`;
    if (!runs.some((r) => r.id === id)) return id;
  }
}

/** The experiment as a URL fragment: `#x=` + base64url(JSON). Data only, never code. */
export function encodeExperiment(e: Experiment): string {
  const bytes = new TextEncoder().encode(JSON.stringify(e));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `x=${btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** Reads `#x=…`; a malformed or outdated link gives the nearest valid experiment and notices. */
export function decodeExperiment(hash: string): { experiment: Experiment; notices: string[] } | null {
  const m = /(?:^|[#&])x=([A-Za-z0-9_-]*)/.exec(hash);
  if (!m) return null;
  try {
    const b64 = m[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const json = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    return sanitizeExperiment(JSON.parse(json));
  } catch {
    return { experiment: DEFAULT_EXPERIMENT, notices: ['The link is damaged and could not be read; the default experiment is shown.'] };
  }
}
