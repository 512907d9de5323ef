/**
 * The optimizer catalogue: the one list of the optimizers this library ships, each a spec declared beside its code
 * (`<name>.meta.ts`: id, title, settings with their domains, the diagnostics it records), and the lookups every
 * layer uses. Free of tfjs: the page's main thread, the URL codec, the CLI's `--help` and the tests read it. The
 * makers are found by the same id (recipes.ts; a spec without a maker fails its test).
 */
import { adagradMeta } from './directions/adagrad.meta';
import { adamMeta } from './directions/adam.meta';
import { cAdamMeta } from './directions/cautious.meta';
import { momentumMeta } from './directions/momentum.meta';
import { rmspropMeta } from './directions/rmsprop.meta';
import { sgdMeta } from './directions/sgd.meta';
import { ademamixMeta } from './peers/ademamix.meta';
import { dadaptAdamMeta } from './peers/dadaptAdam.meta';
import { cLionMeta, lionMeta } from './peers/lion.meta';
import { momoAdamMeta, momoAdamStarMeta, momoMeta, momoStarMeta } from './peers/momo.meta';
import { muonMeta } from './peers/muon.meta';
import { sfPlusMeta } from './peers/scheduleFreePlus.meta';
import { dogMeta } from './peers/dog.meta';
import { prodigyMeta } from './peers/prodigy.meta';
import { sfAdamWMeta, sfSgdMeta } from './peers/scheduleFree.meta';
import { COMMON_DIAGNOSTICS, withWeightDecaySetting, type OptimizerSpec } from './spec';
import { cL4AdamMeta, l4adamMeta, l4momMeta, l4muonMeta } from './stepsizes/l4.meta';
import { aliGMeta, polyakMeta, spsMaxMeta } from './stepsizes/polyak.meta';
import { isChoice, type ChoiceSpec, type DiagnosticSpec, type ParamSpec, type SettingSpec, type SettingValue } from '../lib/settings';

export { COMMON_DIAGNOSTICS, RECIPE_OPTIONS, type OptimizerSpec } from './spec';

/** In the builder's order. */
const BUILTIN = [
  l4adamMeta,
  l4momMeta,
  l4muonMeta,
  adamMeta,
  momentumMeta,
  sgdMeta,
  rmspropMeta,
  adagradMeta,
  polyakMeta,
  spsMaxMeta,
  aliGMeta,
  prodigyMeta,
  dadaptAdamMeta,
  dogMeta,
  sfAdamWMeta,
  sfSgdMeta,
  sfPlusMeta,
  momoMeta,
  momoStarMeta,
  momoAdamMeta,
  momoAdamStarMeta,
  muonMeta,
  lionMeta,
  ademamixMeta,
  cAdamMeta,
  cL4AdamMeta,
  cLionMeta,
] as const;

/** The ids of the optimizers this library ships. */
export type BuiltinOptimizer = (typeof BUILTIN)[number]['id'];

/** Every optimizer with its weight decay setting (spec.ts, `withWeightDecaySetting`). */
const registry = new Map<string, OptimizerSpec>(BUILTIN.map((s) => [s.id, withWeightDecaySetting(s as OptimizerSpec)]));

/**
 * Adds an optimizer to the catalogue (its maker goes to `registerRecipe` in recipes.ts). Every list of
 * optimizers (the builder, the URL codec, the CLI, the tuning panel, the charts) reads the catalogue when used.
 */
export function registerOptimizerSpec(spec: OptimizerSpec): void {
  if (registry.has(spec.id)) throw new Error(`An optimizer "${spec.id}" is already registered.`);
  registry.set(spec.id, withWeightDecaySetting(spec));
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

/**
 * How a column is shown, from the first optimizer that declares it (a key means the same thing in every
 * optimizer that records it); a column no one declares is shown under its name on a log axis.
 */
export function columnSpec(key: string): DiagnosticSpec {
  if (key === 'loss') return LOSS_COLUMN;
  for (const d of STEP_QUALITY_SPECS) if (d.key === key) return d;
  for (const d of COMMON_DIAGNOSTICS) if (d.key === key) return d;
  for (const o of registry.values()) for (const d of o.diagnostics) if (d.key === key) return d;
  return { key, label: key, symbol: key, log: true };
}

/** The sentence for an unknown optimizer, naming the known ones. */
export const unknownOptimizer = (id: string): string => `Unknown optimizer "${id}". Known: ${optimizerIds().join(', ')}.`;
