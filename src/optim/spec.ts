/**
 * What an optimizer is, as data: id, title, settings with their domains and defaults, the diagnostics it records.
 * Each optimizer declares one beside its code (`<name>.meta.ts`); its defaults, settings type and validation
 * derive from it (`defineOptimizer`), as a task's do from `defineTask`. Free of tfjs: the page's main thread, the
 * URL codec, the CLI's `--help` and the tests read it.
 */
import {
  checkParam,
  checkSetting,
  choiceSpec,
  defaultsOf,
  isChoice,
  paramSpec,
  SettingsError,
  unknownKeys,
  type DiagnosticSpec,
  type SettingSpec,
  type SettingsOf,
} from '../lib/settings';
import { HyperparameterError } from './flags';

export interface OptimizerSpec {
  readonly id: string;
  readonly title: string;
  /** Its settings (numbers, or a choice of forms); `advanced` ones are accepted everywhere but not shown in the builder. */
  readonly settings: readonly SettingSpec[];
  /** The settings' defaults (optional settings without a value are absent). */
  readonly defaults: Readonly<Record<string, number | string>>;
  /**
   * Settings and on/off switches that only the optimizer's own class takes, as its official code names them (a
   * peer's own weight decay and its switches); in the lab weight decay is the option every optimizer takes.
   */
  readonly classSettings?: readonly SettingSpec[];
  readonly switches?: Readonly<Record<string, boolean>>;
  /** What the rule records per step beyond `COMMON_DIAGNOSTICS`. */
  readonly diagnostics: readonly DiagnosticSpec[];
  /** One sentence on what it is. */
  readonly summary: string;
}

/** A spec as declared, its settings' types kept. */
export type OptimizerMeta<
  S extends readonly SettingSpec[] = readonly SettingSpec[],
  C extends readonly SettingSpec[] = readonly SettingSpec[],
  W extends Readonly<Record<string, boolean>> = Readonly<Record<string, boolean>>,
> = Omit<OptimizerSpec, 'settings' | 'defaults' | 'classSettings' | 'switches'> & {
  readonly settings: S;
  readonly defaults: SettingsOf<S>;
  readonly classSettings: C;
  readonly switches: W;
};

/** Everything an optimizer's own code takes: its settings, its class-only settings and its switches. */
export type OwnSettingsOf<M extends OptimizerMeta> = SettingsOf<M['settings']> &
  SettingsOf<M['classSettings']> & { readonly [K in keyof M['switches']]: boolean };

/** An optimizer spec with its defaults derived from its settings. */
export function defineOptimizer<
  const S extends readonly SettingSpec[],
  const C extends readonly SettingSpec[] = readonly [],
  const W extends Readonly<Record<string, boolean>> = Readonly<Record<never, boolean>>,
>(
  spec: Omit<OptimizerSpec, 'defaults' | 'settings' | 'classSettings' | 'switches'> & { settings: S; classSettings?: C; switches?: W },
): OptimizerMeta<S, C, W> {
  return {
    ...spec,
    classSettings: spec.classSettings ?? ([] as unknown as C),
    switches: spec.switches ?? ({} as W),
    defaults: defaultsOf(spec.settings),
  };
}

/** Option keys every optimizer takes besides its settings (not numbers, so not settings). */
export const RECIPE_OPTIONS = ['weightDecay'] as const;

/** Every optimizer records these. */
export const COMMON_DIAGNOSTICS: readonly DiagnosticSpec[] = [
  { key: 'effectiveLr', label: 'Effective learning rate η', symbol: 'η', log: true },
  { key: 'updateNorm', label: 'Step length ‖Δθ‖', symbol: '‖Δθ‖', log: true },
  { key: 'flags', label: 'Flags of skipped steps', symbol: 'flags', log: false, plot: false },
  {
    key: 'skippedSteps',
    label: 'Skipped steps (non-finite gradients or loss), so far',
    symbol: 'skipped',
    log: false,
    whenNonZero: true,
  },
];

/** The learning rate, as every optimizer names it (the CLI's `--lr`, the tuning grid, live changes). */
export const lrSpec = (def: number, slider: readonly [number, number] = [1e-6, 1]) =>
  paramSpec('learningRate', 'learning rate', 'lr', def, 0, Infinity, { slider, live: true });

/** A regulariser ε ≥ 0 (advanced). */
export const epsSpec = <const K extends string>(def: number, key: K, label = 'epsilon', symbol = 'ε') =>
  paramSpec(key, label, symbol, def, 0, Infinity, { minOpen: false, advanced: true });

/** An EMA decay in [0, 1) (advanced). */
export const betaSpec = <const K extends string>(key: K, symbol: string, def: number) =>
  paramSpec(key, key, symbol, def, 0, 1, { log: false, minOpen: false, maxOpen: true, advanced: true });

/** Gradient clipping to a global norm (TensorFlow's `clip_by_global_norm`; Fig. 6's baselines clip at 50). */
export const clipSpec = paramSpec('clipNorm', 'gradient clip norm', 'clip', 50, 0, Infinity, {
  optional: true,
  advanced: true,
  help: 'clip the gradients to this global norm first (unset: no clipping)',
});

/** A subset of a spec list, by key (a direction's or rule's own part of an optimizer's settings). */
export const pick = <S extends readonly SettingSpec[], K extends S[number]['key']>(
  specs: S,
  ...keys: K[]
): Extract<S[number], { key: K }>[] => specs.filter((s) => (keys as string[]).includes(s.key)) as Extract<S[number], { key: K }>[];

/**
 * An optimizer's settings from `given`: an unknown key refused with a sentence naming the valid ones (`extra`: the
 * option keys every optimizer takes besides its settings, accepted and left out of the result), the defaults
 * filled in; optional settings without a value stay absent. Domains are checked by the parts that use the values (`checkAgainst`).
 */
export function withDefaults<S extends readonly SettingSpec[]>(
  owner: string,
  specs: S,
  given: object,
  extra: readonly string[] = [],
): SettingsOf<S> {
  const g = given as Record<string, unknown>;
  const problem = unknownKeys(
    owner,
    specs,
    Object.keys(g).filter((k) => g[k] !== undefined && g[k] !== null),
    extra,
  );
  if (problem) throw new SettingsError(problem);
  const out: Record<string, unknown> = { ...defaultsOf(specs) };
  for (const s of specs) if (g[s.key] !== undefined && g[s.key] !== null) out[s.key] = g[s.key];
  return out as SettingsOf<S>;
}

/**
 * Checks values against their specs, naming the setting by its label: a value outside its domain throws a
 * `HyperparameterError` (a spec's own default is valid by definition, so an uncapped ∞ passes). Every part of an
 * optimizer checks its own settings this way, at construction and at every live change.
 */
export function checkAgainst(owner: string, specs: readonly SettingSpec[], h: Readonly<Record<string, unknown>>): void {
  for (const s of specs) {
    const v = h[s.key];
    if (((v === undefined || v === null) && s.optional) || v === s.default) continue;
    const problem = isChoice(s) ? checkSetting(s, v) : checkParam(s, v as number, s.label);
    if (problem) throw new HyperparameterError(s.key, `${owner}: ${problem}`);
  }
}

/**
 * Weight decay as a setting every optimizer shows (the builder, the URL, the CLI's --weight-decay, sweeps): λ, and
 * its form. An optimizer whose official code has its own weight decay (the peers) takes λ there instead, as that
 * code applies it, and has no form to choose (`withWeightDecaySetting`).
 */
export const WEIGHT_DECAY = paramSpec('weightDecay', 'weight decay', 'λ', 0, 0, Infinity, {
  minOpen: false,
  help: 'decoupled (AdamW): θ also moves by −η·λ·θ each step, η the step’s effective rate; l2: ½λ‖θ‖² joins the loss the rule sees',
});
export const WEIGHT_DECAY_FORM = choiceSpec('weightDecayForm', 'weight decay form', ['decoupled', 'l2'], {
  labels: { l2: 'L2 weight decay' },
  advanced: true,
  help: 'decoupled: after the step (AdamW); l2: in the loss and gradient (the paper’s Sec. 3.3)',
});

/**
 * The spec as the catalogue lists it: its settings and a weight decay setting: the official one where its class
 * has one (shown, as the official code applies it), else the lab's (`WEIGHT_DECAY`, `WEIGHT_DECAY_FORM`).
 */
export function withWeightDecaySetting(spec: OptimizerSpec): OptimizerSpec {
  if (spec.settings.some((s) => s.key === WEIGHT_DECAY.key)) return spec;
  const official = spec.classSettings?.find((s) => s.key === WEIGHT_DECAY.key);
  const added = official
    ? [{ ...official, advanced: false, help: official.help ?? 'the official code’s own weight decay, applied as it applies it' }]
    : [WEIGHT_DECAY, WEIGHT_DECAY_FORM];
  return { ...spec, settings: [...spec.settings, ...added], defaults: { ...spec.defaults, ...defaultsOf(added) } };
}

/** The weight decay option's coefficient λ ≥ 0. */
export const WEIGHT_DECAY_COEFFICIENT = paramSpec('coefficient', 'coefficient', 'λ', 0, 0, Infinity, { minOpen: false });

/** On/off switches: each given one must be true or false, unknown ones are refused; the defaults fill the rest. */
export function resolveSwitches(owner: string, defaults: Readonly<Record<string, boolean>>, given: Readonly<Record<string, unknown>>) {
  const out: Record<string, boolean> = { ...defaults };
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined) continue;
    if (!(k in defaults)) throw new SettingsError(`${owner} has no switch "${k}". Valid: ${Object.keys(defaults).join(', ')}.`);
    if (typeof v !== 'boolean') throw new SettingsError(`${owner}: ${k} must be true or false, got ${String(v)}.`);
    out[k] = v;
  }
  return out;
}
