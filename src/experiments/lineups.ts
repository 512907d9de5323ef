/**
 * Line-ups that compare optimizers on a task, shared by the page's presets, `lab reproduce`, `lab benchmark` and
 * the benchmarks. Free of tfjs.
 */
import { taskSpec } from '../tasks/catalogue';

export interface LineupEntry {
  readonly optimizer: string;
  readonly options: Readonly<Record<string, number | string>>;
}

/** The tasks the paper ran Adam on, where "L4 against the learning-rate-free peers" has its baseline. */
export const PEERS_TASKS = ['regression', 'mnist-mlp', 'repeat-copy'] as const;

/**
 * The task settings the comparison runs with (the rest are the task's defaults). Repeat-copy runs its LSTM
 * controller here: eight optimizers over five seeds of the DNC take about two hours on two cores, the LSTM half
 * an hour. Fig. 6 (and its preset) is the DNC comparison; setting the controller to dnc gives this one on it.
 */
export const PEERS_TASK_SETTINGS: Readonly<Record<(typeof PEERS_TASKS)[number], Readonly<Record<string, number | string>>>> = {
  regression: {},
  'mnist-mlp': {},
  'repeat-copy': { controller: 'lstm' },
};

/**
 * L4 against today's learning-rate-free optimizers: L4Adam and L4Mom at their defaults, Prodigy, D-Adapt Adam and DoG
 * at theirs, Schedule-Free AdamW at its default rate, and Adam at the paper's rate for the task in TensorFlow's ε
 * form (as the paper ran it). `withSfSgd` adds Schedule-Free SGD at its default rate (the page's runs are capped at
 * eight per experiment; the CLI has room).
 */
export function peersLineup(task: string, { withSfSgd = false } = {}): LineupEntry[] {
  const lr = taskSpec(task)?.paperAdamLr;
  if (lr === undefined)
    throw new Error(`The paper ran no Adam baseline on "${task}"; the comparison has one on ${PEERS_TASKS.join(', ')}.`);
  return [
    ...L4_AT_DEFAULTS,
    ...LR_FREE_PEERS.filter((id) => withSfSgd || id !== 'sf-sgd').map((optimizer) => ({ optimizer, options: {} })),
    { optimizer: 'adam', options: { learningRate: lr, epsilonForm: 'tensorflow' } },
  ];
}

/** L4Adam and L4Mom at the paper's defaults. */
export const L4_AT_DEFAULTS: readonly LineupEntry[] = [
  { optimizer: 'l4adam', options: {} },
  { optimizer: 'l4mom', options: {} },
];

/** The paper's baselines: the optimizers it tuned a learning rate for (and the summary's default target comes from). */
export const BASELINES = ['adam', 'momentum', 'sgd', 'rmsprop'] as const;

/**
 * Today's learning-rate-free optimizers, each at its defaults: Prodigy, D-Adapt Adam, DoG, Schedule-Free AdamW and
 * Schedule-Free SGD (the last needs a rate per task more than the others, so the page's comparison leaves it out).
 */
export const LR_FREE_PEERS = ['prodigy', 'dadapt-adam', 'dog', 'sf-adamw', 'sf-sgd'] as const;

/** L4's loss-based successors (MoMo, MoMo-Adam, ScheduleFree+) and today's defaults (Muon, AdEMAMix, Lion). */
export const SUCCESSORS = ['momo', 'momo-adam', 'sf-plus', 'muon', 'ademamix', 'lion'] as const;

/** The tasks of "L4 vs MoMo" (repeat-copy with PEERS_TASK_SETTINGS' LSTM controller). */
export const MOMO_TASKS = ['mnist-mlp', 'repeat-copy'] as const;

/**
 * L4 against its loss-based successors: L4Adam and L4Mom, MoMo-Adam, MoMo and MoMo-Adam* at their defaults, and Adam
 * at the paper's rate for the task in TensorFlow's ε form.
 */
export function momoLineup(task: string): LineupEntry[] {
  const adam = peersLineup(task).at(-1)!;
  return [
    ...L4_AT_DEFAULTS,
    { optimizer: 'momo-adam', options: {} },
    { optimizer: 'momo', options: {} },
    { optimizer: 'momo-adam-star', options: {} },
    adam,
  ];
}

/** The task and length of "2026 self-tuning": AlgoPerf's MNIST workload, 5 epochs at batch 64 (half its step hint). */
export const SELF_TUNING_TASK = 'algoperf-mnist';
export const SELF_TUNING_STEPS = 3905;

/**
 * AlgoPerf's 2026 self-tuning entries, each at its one published setting (unofficial A100 scoring), beside L4Adam and
 * L4Muon at their defaults: Schedule-Free AdamW v2 and AdEMAMix (each with a learning-rate warm-up over 2 % of `steps`),
 * Lion, Cautious NAdamW (Cautious Adam in its Nesterov form with decoupled weight decay) and Muon. Weight decay is each
 * peer's official one.
 */
export function selfTuningLineup(steps: number): LineupEntry[] {
  return [
    { optimizer: 'l4adam', options: {} },
    { optimizer: 'l4muon', options: {} },
    {
      optimizer: 'sf-adamw',
      options: { learningRate: 2.5e-3, beta1: 0.9, beta2: 0.99552, weightDecay: 0.0812, warmupSteps: Math.round(0.02 * steps) },
    },
    {
      optimizer: 'ademamix',
      options: {
        learningRate: 2e-3,
        beta1: 0.8,
        beta2: 0.995,
        beta3: 0.9995,
        alpha: 8,
        weightDecay: 0.1,
        warmupSteps: Math.round(0.02 * steps),
      },
    },
    { optimizer: 'lion', options: { learningRate: 2e-4, beta1: 0.95, beta2: 0.98, weightDecay: 0.5 } },
    {
      optimizer: 'c-adam',
      options: { learningRate: 1.75e-3, beta1: 0.933, beta2: 0.99552, epsilon: 1e-8, firstMoment: 'nesterov', weightDecay: 0.0812 },
    },
    { optimizer: 'muon', options: { learningRate: 1.36e-4, momentum: 0.956 } },
  ];
}
