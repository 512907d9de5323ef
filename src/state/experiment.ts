import { L4_DEFAULTS } from '../optim/defaults';
import type { BackendChoice } from '../worker/protocol';

/**
 * The experiment is a value (TensorFlow Playground's state.ts habit): serialisable, seeded, versioned, and
 * round-trips through the URL. This module is free of tfjs so the page can load it cheaply.
 */
export const EXPERIMENT_VERSION = 1;

/** One compared optimizer; it runs once per seed. */
export interface RunSpec {
  readonly id: string;
  readonly optimizer: OptimizerName;
  readonly options: Readonly<Record<string, number>>;
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
}

export const TASK_NAMES = ['functions-2d', 'regression', 'mnist-mlp', 'fashion-convnet', 'cifar10-resnet', 'repeat-copy'] as const;
export type TaskName = (typeof TASK_NAMES)[number];
export const TASK_TITLES: Record<TaskName, string> = {
  'functions-2d': '2-D functions',
  regression: 'Badly conditioned regression (Fig. 2)',
  'mnist-mlp': 'MNIST MLP (Fig. 3, Table 2)',
  'fashion-convnet': 'Fashion-MNIST ConvNet',
  'cifar10-resnet': 'CIFAR-10 ResNet (your files)',
  'repeat-copy': 'Repeat-copy LSTM (Fig. 6)',
};

export const OPTIMIZER_NAMES = ['l4adam', 'l4mom', 'adam', 'momentum', 'sgd', 'rmsprop', 'adagrad', 'polyak', 'sps-max', 'ali-g'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
export const OPTIMIZER_TITLES: Record<OptimizerName, string> = {
  l4adam: 'L4Adam',
  l4mom: 'L4Mom',
  adam: 'Adam',
  momentum: 'Momentum SGD',
  sgd: 'SGD',
  rmsprop: 'RMSProp',
  adagrad: 'AdaGrad',
  polyak: 'Polyak',
  'sps-max': 'SPS_max',
  'ali-g': 'ALI-G',
};

/** The settings each task exposes on the page (the engine validates them again). */
export const TASK_SETTINGS: Record<TaskName, readonly { key: string; label: string; choices?: readonly string[]; default: number | string }[]> = {
  'functions-2d': [
    { key: 'fn', label: 'function', choices: ['rosenbrock', 'beale', 'quadratic', 'rastrigin'], default: 'rosenbrock' },
    { key: 'kappa', label: 'condition number', default: 100 },
    { key: 'noise', label: 'noise', default: 0 },
  ],
  regression: [{ key: 'kappa', label: 'condition number', default: 1e10 }],
  'mnist-mlp': [{ key: 'batchSize', label: 'batch size', default: 64 }],
  'fashion-convnet': [{ key: 'batchSize', label: 'batch size', default: 100 }],
  'cifar10-resnet': [
    { key: 'depth', label: 'depth', default: 20 },
    { key: 'batchSize', label: 'batch size', default: 128 },
  ],
  'repeat-copy': [
    { key: 'bits', label: 'bits', default: 4 },
    { key: 'maxLength', label: 'max length', default: 2 },
    { key: 'maxRepeats', label: 'max repeats', default: 2 },
    { key: 'batchSize', label: 'batch size', default: 16 },
  ],
};

/** The settings a run of each optimizer exposes, with their domains (refused at the control when outside). */
export interface ParamSpec {
  readonly key: string;
  /** Spelled out, as the control's label says it ("alpha", "learning rate"). */
  readonly label: string;
  readonly symbol: string;
  readonly min: number;
  readonly max: number;
  readonly minOpen: boolean;
  readonly maxOpen: boolean;
  readonly log: boolean;
  readonly default: number;
  /** The live slider's range, when the parameter has one. */
  readonly slider?: readonly [number, number];
}

/** A parameter spec: log-scaled, open below and closed above unless `o` says otherwise. */
export const paramSpec = (key: string, label: string, symbol: string, def: number, min: number, max: number, o: Partial<ParamSpec> = {}): ParamSpec => ({
  key,
  label,
  symbol,
  default: def,
  min,
  max,
  minOpen: true,
  maxOpen: false,
  log: true,
  ...o,
});

const L4_PARAMS = [
  paramSpec('alpha', 'alpha', 'α', L4_DEFAULTS.alpha, 0, 10, { slider: [0.01, 1] }),
  paramSpec('gamma', 'gamma', 'γ', L4_DEFAULTS.gamma, 0, 1, { log: false, slider: [0.5, 1] }),
  paramSpec('tau', 'tau', 'τ', L4_DEFAULTS.tau, 0, 1e9, { slider: [10, 1e5] }),
  paramSpec('gamma0', 'gamma0', 'γ₀', L4_DEFAULTS.gamma0, 0, 1, { log: false }),
];
const lr = (def: number) => paramSpec('learningRate', 'learning rate', 'lr', def, 0, 100, { slider: [1e-6, 1] });

export const OPTIMIZER_PARAMS: Record<OptimizerName, readonly ParamSpec[]> = {
  l4adam: L4_PARAMS,
  l4mom: L4_PARAMS,
  adam: [lr(1e-3)],
  momentum: [lr(0.01), paramSpec('momentum', 'momentum', 'μ', 0.9, 0, 1, { minOpen: false, maxOpen: true, log: false })],
  sgd: [lr(0.01)],
  rmsprop: [lr(1e-3)],
  adagrad: [lr(0.01)],
  polyak: [paramSpec('fStar', 'f star', 'f*', 0, -1e9, 1e9, { log: false, minOpen: false }), paramSpec('alpha', 'alpha', 'α', 1, 0, 10)],
  'sps-max': [paramSpec('gammaB', 'gamma b', 'γ_b', 1, 0, 1e9), paramSpec('c', 'c', 'c', 0.5, 0, 1e9)],
  'ali-g': [paramSpec('maxLr', 'max learning rate', 'max_lr', 0.1, 0, 1e9)],
};

/** Checks one value against its spec; returns a sentence naming the parameter, or null when valid. */
export function checkParam(spec: ParamSpec, value: number): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${spec.label} (${spec.symbol}) must be a number.`;
  const lo = spec.minOpen ? value > spec.min : value >= spec.min;
  const hi = spec.maxOpen ? value < spec.max : value <= spec.max;
  if (lo && hi) return null;
  const range = `${spec.minOpen ? '(' : '['}${spec.min}, ${spec.max}${spec.maxOpen ? ')' : ']'}`;
  return `${spec.label} (${spec.symbol}) must be in ${range}, got ${value}.`;
}

export const DEFAULT_EXPERIMENT: Experiment = {
  v: EXPERIMENT_VERSION,
  task: 'functions-2d',
  taskSettings: { fn: 'rosenbrock' },
  runs: [
    { id: 'a', optimizer: 'l4adam', options: {} },
    { id: 'b', optimizer: 'adam', options: { learningRate: 0.01 } },
  ],
  seed: 1,
  seeds: 1,
  steps: 500,
  backend: 'auto',
};

/** One-click set-ups of the paper's figures and table. */
export const PRESETS: Record<string, { title: string; experiment: Experiment }> = {
  fig2: {
    title: 'Fig. 2: badly conditioned regression',
    experiment: {
      ...DEFAULT_EXPERIMENT,
      task: 'regression',
      taskSettings: { kappa: 1e10 },
      runs: [
        { id: 'a', optimizer: 'l4adam', options: { alpha: 0.25 } },
        { id: 'b', optimizer: 'l4mom', options: { alpha: 0.25 } },
        { id: 'c', optimizer: 'l4adam', options: {} },
        { id: 'd', optimizer: 'sgd', options: { learningRate: 4e-5 } },
        { id: 'e', optimizer: 'adam', options: { learningRate: 1e-3 } },
      ],
      seeds: 3,
      steps: 3000,
    },
  },
  fig3: {
    title: 'Fig. 3: MNIST MLP, training loss and η',
    experiment: {
      ...DEFAULT_EXPERIMENT,
      task: 'mnist-mlp',
      taskSettings: { batchSize: 64 },
      runs: [
        { id: 'a', optimizer: 'l4adam', options: {} },
        { id: 'b', optimizer: 'l4mom', options: {} },
        { id: 'c', optimizer: 'adam', options: { learningRate: 1e-3 } },
        { id: 'd', optimizer: 'momentum', options: { learningRate: 0.05 } },
      ],
      seeds: 2,
      steps: 937,
    },
  },
  table2: {
    title: 'Table 2: MNIST test accuracy after 1 epoch',
    experiment: {
      ...DEFAULT_EXPERIMENT,
      task: 'mnist-mlp',
      taskSettings: { batchSize: 64 },
      runs: [
        { id: 'a', optimizer: 'l4adam', options: {} },
        { id: 'b', optimizer: 'adam', options: { learningRate: 1e-3 } },
      ],
      seeds: 5,
      steps: 937,
    },
  },
  fig6: {
    title: 'Fig. 6: repeat-copy',
    experiment: {
      ...DEFAULT_EXPERIMENT,
      task: 'repeat-copy',
      taskSettings: {},
      runs: [
        { id: 'a', optimizer: 'l4adam', options: {} },
        { id: 'b', optimizer: 'l4mom', options: {} },
        { id: 'c', optimizer: 'rmsprop', options: { learningRate: 0.005 } },
        { id: 'd', optimizer: 'adam', options: { learningRate: 0.01 } },
      ],
      seeds: 3,
      steps: 3000,
    },
  },
};

const MAX_RUNS = 8;
const MAX_SEEDS = 10;
const MAX_STEPS = 1_000_000;

/**
 * Turns anything (a decoded link, an imported bundle) into the nearest valid experiment, with a sentence
 * for everything that had to change. Never throws, never evaluates anything.
 */
export function sanitizeExperiment(raw: unknown): { experiment: Experiment; notices: string[] } {
  const notices: string[] = [];
  const d = DEFAULT_EXPERIMENT;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { experiment: d, notices: ['The experiment could not be read; the default experiment is shown.'] };
  }
  const r = raw as Record<string, unknown>;
  if (r.v !== EXPERIMENT_VERSION) notices.push(`The link is from experiment version ${String(r.v)}; it was read as version ${EXPERIMENT_VERSION}.`);
  let task: TaskName = d.task;
  if (TASK_NAMES.includes(r.task as TaskName)) task = r.task as TaskName;
  else if (r.task !== undefined) notices.push(`Unknown task "${String(r.task)}"; using ${TASK_TITLES[d.task]}.`);
  const taskSettings: Record<string, number | string> = {};
  if (r.taskSettings && typeof r.taskSettings === 'object') {
    for (const [k, v] of Object.entries(r.taskSettings as Record<string, unknown>)) {
      if (typeof v === 'number' && Number.isFinite(v)) taskSettings[k] = v;
      else if (typeof v === 'string' && /^[\w.-]{1,40}$/.test(v)) taskSettings[k] = v;
      else notices.push(`Task setting "${k}" was not a plain number or name and was dropped.`);
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
  for (const [i, item] of rawRuns.slice(0, MAX_RUNS).entries()) {
    const it = (item ?? {}) as Record<string, unknown>;
    if (!OPTIMIZER_NAMES.includes(it.optimizer as OptimizerName)) {
      notices.push(`Run ${i + 1}: unknown optimizer "${String(it.optimizer)}"; it was left out.`);
      continue;
    }
    const optimizer = it.optimizer as OptimizerName;
    const options: Record<string, number> = {};
    const given = it.options && typeof it.options === 'object' ? (it.options as Record<string, unknown>) : {};
    for (const spec of OPTIMIZER_PARAMS[optimizer]) {
      const v = given[spec.key];
      if (v === undefined) continue;
      const problem = checkParam(spec, v as number);
      if (problem) notices.push(`Run ${i + 1} (${OPTIMIZER_TITLES[optimizer]}): ${problem} Using ${spec.default}.`);
      else options[spec.key] = v as number;
    }
    const id = typeof it.id === 'string' && /^[a-z0-9]{1,8}$/.test(it.id) && !runs.some((x) => x.id === it.id) ? it.id : nextRunId(runs);
    runs.push({ id, optimizer, options });
  }
  if (rawRuns.length > MAX_RUNS) notices.push(`Only the first ${MAX_RUNS} runs were kept.`);
  if (runs.length === 0) {
    runs.push(...d.runs);
    if (rawRuns.length > 0 || r.runs !== undefined) notices.push('No valid runs were left; the default runs are shown.');
  }
  const backend = (['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const).includes(r.backend as BackendChoice) ? (r.backend as BackendChoice) : 'auto';
  if (r.backend !== undefined && backend !== r.backend) notices.push(`Unknown backend "${String(r.backend)}"; choosing automatically.`);
  return {
    experiment: {
      v: EXPERIMENT_VERSION,
      task,
      taskSettings,
      runs,
      seed: int('seed', r.seed, -1e9, 1e9, d.seed),
      seeds: int('seeds', r.seeds, 1, MAX_SEEDS, d.seeds),
      steps: int('steps', r.steps, 1, MAX_STEPS, d.steps),
      backend,
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
