/**
 * The optimizer catalogue: one spec per recipe of recipes.ts (id, title, settings with their domains, the
 * diagnostics it records). Free of tfjs: the page's main thread, the URL codec, the CLI's `--help` and the
 * tests read it; `makeOptimizer` checks options against it. The makers live in recipes.ts under the same id
 * (typed, so a spec without a maker does not compile).
 */
import { L4_DEFAULTS } from './defaults';
import { DADAPT_ADAM_DEFAULTS, DOG_DEFAULTS, PRODIGY_DEFAULTS, SF_ADAMW_DEFAULTS, SF_SGD_DEFAULTS } from './peers/defaults';
import {
  choiceSpec,
  isChoice,
  paramSpec,
  type ChoiceSpec,
  type DiagnosticSpec,
  type ParamSpec,
  type SettingSpec,
  type SettingValue,
} from './settings';

export interface OptimizerSpec {
  readonly id: string;
  readonly title: string;
  /** Its settings (numbers, or a choice of forms); `advanced` ones are accepted everywhere but not shown in the builder. */
  readonly settings: readonly SettingSpec[];
  /** What the rule records per step beyond `COMMON_DIAGNOSTICS`. */
  readonly diagnostics: readonly DiagnosticSpec[];
  /** One sentence on what it is. */
  readonly summary: string;
}

/** Option keys every recipe takes besides its settings (not numbers, so not settings). */
export const RECIPE_OPTIONS = ['weightDecay'] as const;

/** Every optimizer records these. */
export const COMMON_DIAGNOSTICS: readonly DiagnosticSpec[] = [
  { key: 'effectiveLr', label: 'Effective learning rate η', symbol: 'η', log: true },
  { key: 'updateNorm', label: 'Step length ‖Δθ‖', symbol: '‖Δθ‖', log: true },
  { key: 'flags', label: 'Flags of skipped steps', symbol: 'flags', log: false, plot: false },
];

const lr = (def: number) => paramSpec('learningRate', 'learning rate', 'lr', def, 0, Infinity, { slider: [1e-6, 1], live: true });
const eps = (def: number, label = 'epsilon', key = 'epsilon', symbol = 'ε') =>
  paramSpec(key, label, symbol, def, 0, Infinity, { minOpen: false, advanced: true });

/** L4's settings (Sec. 2.4), with the paper's defaults. α above 1 overshoots the linearised target (the teaching page shows it). */
export const L4_SETTINGS: readonly ParamSpec[] = [
  paramSpec('alpha', 'alpha', 'α', L4_DEFAULTS.alpha, 0, 100, {
    slider: [0.01, 1],
    live: true,
    help: 'fraction of the linearised step taken (eq. 3)',
  }),
  paramSpec('gamma', 'gamma', 'γ', L4_DEFAULTS.gamma, 0, 1, {
    log: false,
    slider: [0.5, 1],
    live: true,
    help: 'fraction of L_min believed achievable (eq. 6)',
  }),
  paramSpec('tau', 'tau', 'τ', L4_DEFAULTS.tau, 0, Infinity, {
    slider: [10, 1e5],
    live: true,
    help: 'timescale of forgetting L_min (eq. 5)',
  }),
  paramSpec('gamma0', 'gamma0', 'γ₀', L4_DEFAULTS.gamma0, 0, 1, { log: false, help: 'L_min starts at γ₀ times the first loss' }),
  eps(L4_DEFAULTS.epsilon),
  paramSpec('gradTimescale', 'gradient timescale', 'τm', L4_DEFAULTS.gradTimescale, 1, Infinity, { minOpen: false, advanced: true }),
];

/** What L4 records per step (stepsizes/l4.ts). */
export const L4_DIAGNOSTICS: readonly DiagnosticSpec[] = [
  { key: 'lossMin', label: 'L_min', symbol: 'L_min', log: true, companionOf: 'loss' },
  { key: 'gDotV', label: 'gᵀv', symbol: 'gᵀv', log: true },
  { key: 'numerator', label: 'numerator L − γ·L_min', symbol: 'L − γ·L_min', log: true, companionOf: 'gDotV' },
];

/** What the Polyak family records per step (stepsizes/polyak.ts). */
export const POLYAK_DIAGNOSTICS: readonly DiagnosticSpec[] = [
  { key: 'uncappedLr', label: 'uncapped η', symbol: 'uncapped η', log: true, companionOf: 'effectiveLr' },
  { key: 'capped', label: 'Cap bound (1) or not (0)', symbol: 'capped', log: false },
  { key: 'gDotV', label: 'gᵀv', symbol: 'gᵀv', log: true },
  { key: 'numerator', label: 'numerator L − f*', symbol: 'L − f*', log: true, companionOf: 'gDotV' },
];

/** Gradient clipping to a global norm (TensorFlow's `clip_by_global_norm`; Fig. 6's baselines clip at 50). */
const clip = paramSpec('clipNorm', 'gradient clip norm', 'clip', 50, 0, Infinity, {
  optional: true,
  advanced: true,
  help: 'clip the gradients to this global norm first (unset: no clipping)',
});

const beta = (key: string, label: string, symbol: string, def: number) =>
  paramSpec(key, label, symbol, def, 0, 1, { log: false, minOpen: false, maxOpen: true, advanced: true });

/** What Prodigy and D-Adaptation record: the distance estimate d (η = d·lr) and the raw estimate of this step. */
export const D_ADAPT_DIAGNOSTICS: readonly DiagnosticSpec[] = [
  { key: 'd', label: 'Distance estimate d', symbol: 'd', log: true },
  { key: 'dHat', label: 'raw estimate d̂', symbol: 'd̂', log: true, companionOf: 'd' },
];

/**
 * The learning-rate-free peers' settings as the lab shows them: the rate is `learningRate` as for every optimizer
 * (the class API and the golden files call it `lr`); the others keep their official names. Their own weight decay
 * and switches (decouple, bias correction, safeguard warm-up) are the classes'; in the lab weight decay is the
 * recipe option every optimizer takes.
 */
const peerLr = (def: number, slider: readonly [number, number]) =>
  paramSpec('learningRate', 'learning rate', 'lr', def, 0, Infinity, { slider, live: true });
const d0 = (def: number) => paramSpec('d0', 'initial d', 'd₀', def, 0, Infinity, { advanced: true, help: 'the first distance estimate' });
const growth = paramSpec('growthRate', 'growth rate', 'growth', Infinity, 0, Infinity, {
  optional: true,
  advanced: true,
  help: 'the most d may grow per step (unbounded when unset)',
});
const warmup = (def: number) =>
  paramSpec('warmupSteps', 'warm-up steps', 'warm-up', def, 0, Infinity, { minOpen: false, log: false, integer: true, advanced: true });
const sfAveraging = [
  paramSpec('r', 'averaging power r', 'r', SF_ADAMW_DEFAULTS.r, 0, Infinity, { minOpen: false, log: false, advanced: true }),
  paramSpec('weightLrPower', 'weight lr power', 'p', SF_ADAMW_DEFAULTS.weightLrPower, 0, Infinity, {
    minOpen: false,
    log: false,
    advanced: true,
  }),
];
const peerEps = (def: number) => eps(def, 'epsilon', 'eps');

const BUILTIN = [
  {
    id: 'l4adam',
    title: 'L4Adam',
    summary: 'L4 over the Adam direction (eqs. 3–7), the paper defaults.',
    settings: [...L4_SETTINGS, beta('beta2', 'beta2', 'β2', 0.999), eps(1e-4, 'Adam epsilon', 'adamEpsilon')],
    diagnostics: L4_DIAGNOSTICS,
  },
  {
    id: 'l4mom',
    title: 'L4Mom',
    summary: 'L4 over the bias-corrected momentum EMA (eq. 7).',
    settings: L4_SETTINGS,
    diagnostics: L4_DIAGNOSTICS,
  },
  {
    id: 'adam',
    title: 'Adam',
    summary: 'Adam with a constant learning rate (the paper’s baseline: β1 0.9, β2 0.999, ε 1e-4; the paper ran TensorFlow’s ε form).',
    settings: [
      lr(1e-3),
      beta('beta1', 'beta1', 'β1', 0.9),
      beta('beta2', 'beta2', 'β2', 0.999),
      eps(1e-4),
      choiceSpec('epsilonForm', 'epsilon form', ['corrected', 'tensorflow'], {
        labels: { tensorflow: 'TensorFlow ε' },
        help: 'corrected: √ŝ + ε (Kingma & Ba); tensorflow: ε added before the bias correction, as TensorFlow’s AdamOptimizer',
      }),
      clip,
    ],
    diagnostics: [],
  },
  {
    id: 'momentum',
    title: 'Momentum SGD',
    summary: 'Heavy-ball momentum: acc ← μ·acc + g, Δθ = −lr·acc.',
    settings: [lr(0.01), paramSpec('momentum', 'momentum', 'μ', 0.9, 0, 1, { minOpen: false, maxOpen: true, log: false }), clip],
    diagnostics: [],
  },
  { id: 'sgd', title: 'SGD', summary: 'Δθ = −lr·g.', settings: [lr(0.01), clip], diagnostics: [] },
  {
    id: 'rmsprop',
    title: 'RMSProp',
    summary: 's ← ρ·s + (1−ρ)·g², Δθ = −lr·g/(√s + ε); TensorFlow 1’s form (Fig. 6): s from 1, Δθ = −lr·g/√(s + ε).',
    settings: [
      lr(1e-3),
      beta('decay', 'decay', 'ρ', 0.9),
      eps(1e-7),
      choiceSpec('form', 'form', ['keras', 'tf1'], {
        labels: { tf1: 'TensorFlow 1' },
        help: 'keras: mean square from 0, ε outside the root; tf1: from 1, ε inside (use ε 1e-10 as the paper)',
      }),
      clip,
    ],
    diagnostics: [],
  },
  {
    id: 'adagrad',
    title: 'AdaGrad',
    summary: 's ← s + g², Δθ = −lr·g/(√s + ε).',
    settings: [
      lr(0.01),
      paramSpec('initialAccumulator', 'initial accumulator', 's₀', 0.1, 0, Infinity, { minOpen: false, advanced: true }),
      eps(1e-7),
    ],
    diagnostics: [],
  },
  {
    id: 'polyak',
    title: 'Polyak',
    summary: 'Classic Polyak stepsize over SGD with a known f*: η = α·(L − f*)/(‖g‖² + ε).',
    settings: [
      paramSpec('fStar', 'f star', 'f*', 0, -Infinity, Infinity, { log: false, minOpen: true, maxOpen: true, live: true }),
      paramSpec('alpha', 'alpha', 'α', 1, 0, 100, { live: true }),
      paramSpec('maxLr', 'max learning rate', 'max_lr', Infinity, 0, Infinity, { advanced: true }),
      eps(1e-12),
    ],
    diagnostics: POLYAK_DIAGNOSTICS,
  },
  {
    id: 'sps-max',
    title: 'SPS_max',
    summary: 'SPS_max over SGD (Loizou et al. 2021): η = min((L − f*)/(c·‖g‖²), γ_b).',
    settings: [
      paramSpec('gammaB', 'gamma b', 'γ_b', 1, 0, Infinity, { live: true }),
      paramSpec('c', 'c', 'c', 0.5, 0, Infinity, { maxOpen: true, live: true }),
      paramSpec('fStar', 'f star', 'f*', 0, -Infinity, Infinity, { log: false, maxOpen: true, advanced: true }),
    ],
    diagnostics: POLYAK_DIAGNOSTICS,
  },
  {
    id: 'ali-g',
    title: 'ALI-G',
    summary: 'ALI-G over SGD (Berrada et al. 2020): η = min(L/(‖g‖² + δ), max_lr).',
    settings: [paramSpec('maxLr', 'max learning rate', 'max_lr', 0.1, 0, Infinity, { live: true }), eps(1e-5, 'delta', 'delta', 'δ')],
    diagnostics: POLYAK_DIAGNOSTICS,
  },
  {
    id: 'prodigy',
    title: 'Prodigy',
    summary: 'Prodigy (Mishchenko & Defazio 2023): Adam at η = d·lr, d estimated from the distance travelled.',
    settings: [
      peerLr(PRODIGY_DEFAULTS.lr, [0.01, 10]),
      beta('beta1', 'beta1', 'β1', PRODIGY_DEFAULTS.beta1),
      beta('beta2', 'beta2', 'β2', PRODIGY_DEFAULTS.beta2),
      paramSpec('beta3', 'beta3', 'β3', Math.sqrt(PRODIGY_DEFAULTS.beta2), 0, 1, {
        log: false,
        minOpen: false,
        optional: true,
        advanced: true,
        help: '√β2 when unset',
      }),
      peerEps(PRODIGY_DEFAULTS.eps),
      d0(PRODIGY_DEFAULTS.d0),
      paramSpec('dCoef', 'd coefficient', 'd_coef', PRODIGY_DEFAULTS.dCoef, 0, Infinity, { advanced: true }),
      growth,
    ],
    diagnostics: D_ADAPT_DIAGNOSTICS,
  },
  {
    id: 'dadapt-adam',
    title: 'D-Adapt Adam',
    summary: 'D-Adaptation in Adam form (Defazio & Mishchenko 2023): η = d·lr, d a lower bound on the distance to a solution.',
    settings: [
      peerLr(DADAPT_ADAM_DEFAULTS.lr, [0.01, 10]),
      beta('beta1', 'beta1', 'β1', DADAPT_ADAM_DEFAULTS.beta1),
      beta('beta2', 'beta2', 'β2', DADAPT_ADAM_DEFAULTS.beta2),
      peerEps(DADAPT_ADAM_DEFAULTS.eps),
      d0(DADAPT_ADAM_DEFAULTS.d0),
      growth,
    ],
    diagnostics: D_ADAPT_DIAGNOSTICS,
  },
  {
    id: 'dog',
    title: 'DoG',
    summary: 'DoG (Ivgi et al. 2023): SGD at η = r̄/√Σ‖g‖², r̄ the largest distance from the start; evaluated at its average.',
    settings: [
      peerLr(DOG_DEFAULTS.lr, [0.01, 10]),
      paramSpec('repsRel', 'initial distance (relative)', 'r_ε', DOG_DEFAULTS.repsRel, 0, Infinity, {
        advanced: true,
        help: 'r̄ starts at r_ε·(1 + ‖x₀‖)',
      }),
      peerEps(DOG_DEFAULTS.eps),
      paramSpec('initEta', 'first step size', 'η₀', 1e-6, 0, Infinity, {
        optional: true,
        advanced: true,
        help: 'the first step’s η, when set',
      }),
    ],
    diagnostics: [
      { key: 'rbar', label: 'Distance from the start r̄', symbol: 'r̄', log: true },
      { key: 'G', label: 'Gradient sum G = Σ‖g‖²', symbol: 'G', log: true },
    ],
  },
  {
    id: 'sf-adamw',
    title: 'Schedule-Free AdamW',
    summary: 'Schedule-Free AdamW (Defazio et al. 2024): trains at y, evaluated at the average x; no schedule.',
    settings: [
      peerLr(SF_ADAMW_DEFAULTS.lr, [1e-4, 0.1]),
      // β > 0: x is recovered from y and z by dividing by β.
      { ...beta('beta1', 'beta1', 'β1', SF_ADAMW_DEFAULTS.beta1), minOpen: true },
      beta('beta2', 'beta2', 'β2', SF_ADAMW_DEFAULTS.beta2),
      peerEps(SF_ADAMW_DEFAULTS.eps),
      warmup(SF_ADAMW_DEFAULTS.warmupSteps),
      ...sfAveraging,
    ],
    diagnostics: [{ key: 'ckp1', label: 'Averaging weight c', symbol: 'c', log: true }],
  },
  {
    id: 'sf-sgd',
    title: 'Schedule-Free SGD',
    summary: 'Schedule-Free SGD (Defazio et al. 2024): trains at y, evaluated at the average x; no schedule.',
    settings: [
      peerLr(SF_SGD_DEFAULTS.lr, [1e-3, 10]),
      paramSpec('momentum', 'momentum', 'β', SF_SGD_DEFAULTS.momentum, 0, 1, { maxOpen: true, log: false }),
      warmup(SF_SGD_DEFAULTS.warmupSteps),
      ...sfAveraging,
    ],
    diagnostics: [{ key: 'ckp1', label: 'Averaging weight c', symbol: 'c', log: true }],
  },
] as const satisfies readonly OptimizerSpec[];

/** The ids of the optimizers this library ships. */
export type BuiltinOptimizer = (typeof BUILTIN)[number]['id'];

const registry = new Map<string, OptimizerSpec>(BUILTIN.map((s) => [s.id, s]));

/**
 * Adds an optimizer to the catalogue (its maker goes to `registerRecipe` in recipes.ts). Every list of
 * optimizers (the builder, the URL codec, the CLI, the tuning panel, the charts) reads the catalogue when used.
 */
export function registerOptimizerSpec(spec: OptimizerSpec): void {
  if (registry.has(spec.id)) throw new Error(`An optimizer "${spec.id}" is already registered.`);
  registry.set(spec.id, spec);
}

/** Tests only: removes an optimizer registered with `registerOptimizerSpec`. */
export function unregisterOptimizerSpec(id: string): void {
  if (BUILTIN.some((s) => s.id === id)) throw new Error(`"${id}" is built in.`);
  registry.delete(id);
}

export const optimizerSpecs = (): OptimizerSpec[] => [...registry.values()];
export const optimizerIds = (): string[] => [...registry.keys()];
export const optimizerSpec = (id: string): OptimizerSpec | undefined => registry.get(id);
export const optimizerTitle = (id: string): string => registry.get(id)?.title ?? id;

/** The settings shown in the builder (the rest are `advanced`). */
export const shownSettings = (id: string): readonly SettingSpec[] => registry.get(id)?.settings.filter((s) => !s.advanced) ?? [];

/** The defaults of the settings shown in the builder: what a run records besides the options it changed. */
export const shownDefaults = (id: string): Record<string, SettingValue> =>
  Object.fromEntries(shownSettings(id).map((s) => [s.key, s.default]));

/** A numeric setting of an optimizer (throws when it has none of that name, or it is a choice). */
export function numericSetting(id: string, key: string): ParamSpec {
  const s = registry.get(id)?.settings.find((x) => x.key === key);
  if (!s || isChoice(s)) throw new Error(`${optimizerTitle(id)} has no numeric setting "${key}".`);
  return s;
}

/**
 * A run's name for legends and tables: the optimizer's title, with each choice that differs from its default
 * (so a run says which form of Adam or RMSProp ran: "Adam (TensorFlow ε)").
 */
export function optimizerLabel(id: string, options: Readonly<Record<string, unknown>> = {}): string {
  const spec = registry.get(id);
  if (!spec) return id;
  const forms = spec.settings
    .filter((s): s is ChoiceSpec => isChoice(s) && options[s.key] !== undefined && options[s.key] !== s.default)
    .map((s) => s.labels?.[options[s.key] as string] ?? `${s.label} ${String(options[s.key])}`);
  return forms.length ? `${spec.title} (${forms.join(', ')})` : spec.title;
}

/** Whether an optimizer has a learning rate to tune on a grid. */
export const hasLearningRate = (id: string): boolean => registry.get(id)?.settings.some((s) => s.key === 'learningRate') ?? false;

/** Every diagnostic an optimizer records: the common ones, then its rule's. */
export const diagnosticsOf = (id: string): readonly DiagnosticSpec[] => [...COMMON_DIAGNOSTICS, ...(registry.get(id)?.diagnostics ?? [])];

/** The loop's own column, charted like a diagnostic. */
export const LOSS_COLUMN: DiagnosticSpec = { key: 'loss', label: 'Training loss', symbol: 'loss', log: true };

/**
 * How a column is shown, from the first optimizer that declares it (a key means the same thing in every
 * optimizer that records it); a column no one declares is shown under its name on a log axis.
 */
/**
 * Columns the engine records on request, whatever the optimizer: step quality (engine/runner.ts): the loss decrease
 * the linearisation predicts for the step taken, the one measured on the same batch, and their ratio (charted).
 */
export const STEP_QUALITY_SPECS: readonly DiagnosticSpec[] = [
  { key: 'predictedDecrease', label: 'Predicted loss decrease −gᵀΔθ', symbol: '−gᵀΔθ', log: false, plot: false },
  { key: 'measuredDecrease', label: 'Measured loss decrease on the same batch', symbol: 'ΔL', log: false, plot: false },
  {
    key: 'stepQuality',
    label: 'Step quality: measured ÷ predicted loss decrease (≤ 0: overshoot; ½: exact on a quadratic; 1: linear, undershoot)',
    symbol: 'ΔL / (−gᵀΔθ)',
    log: false,
  },
];

export function columnSpec(key: string): DiagnosticSpec {
  if (key === 'loss') return LOSS_COLUMN;
  for (const d of STEP_QUALITY_SPECS) if (d.key === key) return d;
  for (const d of COMMON_DIAGNOSTICS) if (d.key === key) return d;
  for (const o of registry.values()) for (const d of o.diagnostics) if (d.key === key) return d;
  return { key, label: key, symbol: key, log: true };
}

/** The sentence for an unknown optimizer, naming the known ones. */
export const unknownOptimizer = (id: string): string => `Unknown optimizer "${id}". Known: ${optimizerIds().join(', ')}.`;
