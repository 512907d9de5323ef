/**
 * `makeOptimizer`: any optimizer of the catalogue from its id and options checked against its spec. Each maker
 * lives beside its optimizer (directions/, stepsizes/, peers/) and carries its spec (`maker.meta = spec`); they are
 * found here among the exports of those folders' modules, so the catalogue's list is the only registry: adding an
 * optimizer is its file, its spec and the catalogue's line (no barrel line, no maker list).
 */
import {
  optimizerIds,
  optimizerSpec,
  registerOptimizerSpec,
  unknownOptimizer,
  unregisterOptimizerSpec,
  type OptimizerSpec,
} from './catalogue';
import { finish, type RecipeOptions, type Transform } from './compose';
import { WEIGHT_DECAY, WEIGHT_DECAY_FORM } from './spec';
import { BUILT_BY_VITE, byMetaId, importFolders } from '../lib/modules';
import { resolveSettings, SettingsError } from '../lib/settings';
import type { GradientTransformation, OptState } from './types';

export type { RecipeOptions, Transform } from './compose';

/** An optimizer's maker: its settings in (weight decay is added around it here), a transform out, its spec attached. */
export type Maker = ((settings: never) => GradientTransformation<OptState>) & { readonly meta: OptimizerSpec };

const isMaker = (x: unknown): x is Maker => typeof x === 'function' && 'meta' in x;

/** The folders whose modules hold the makers. */
export const OPTIMIZER_FOLDERS = ['directions', 'stepsizes', 'peers'] as const;

/**
 * The optimizer modules by path (`./peers/prodigy.ts`): every file of the folders but the specs, the tests and the
 * barrels; Vite lists them when it builds, Node on disk (lib/modules.ts; a test holds the two lists equal).
 */
const optimizerModules: Readonly<Record<string, object>> = BUILT_BY_VITE
  ? import.meta.glob<object>(['./{directions,stepsizes,peers}/*.ts', '!./*/*.{meta,test}.ts', '!./*/index.ts'], { eager: true })
  : await importFolders(import.meta.url, OPTIMIZER_FOLDERS);

/** The optimizer modules' paths, sorted. */
export const optimizerModuleFiles = (): string[] => Object.keys(optimizerModules).sort();

/** The makers among the modules' exports, by id; two different makers of one id are an error. */
export const findMakers = (modules: Readonly<Record<string, object>>): Map<string, Maker> =>
  byMetaId(modules, isMaker, 'makers', 'optimizer');

const makers = findMakers(optimizerModules);

/** The catalogue's optimizers that have no maker: none (a test holds it). */
export const withoutMaker = (): string[] => optimizerIds().filter((id) => !makers.has(id));

/** The makers whose optimizer is not in the catalogue (a maker without its line there): none (a test holds it). */
export const withoutSpec = (): string[] => [...makers.keys()].filter((id) => !optimizerSpec(id));

/**
 * Adds an optimizer: its spec to the catalogue and its maker here. It then appears wherever optimizers are
 * listed (builder, URL, CLI, tuning, charts) and `makeOptimizer` builds it.
 */
export function registerOptimizer<O extends object>(spec: OptimizerSpec, make: (o: O) => Transform): void {
  registerOptimizerSpec(spec);
  makers.set(
    spec.id,
    Object.assign((o: never) => make(o), { meta: spec }),
  );
}

/** Tests only: removes an optimizer added with `registerOptimizer`. */
export function unregisterOptimizer(id: string): void {
  unregisterOptimizerSpec(id);
  makers.delete(id);
}

/**
 * Builds an optimizer from its id and options. An unknown id, a misspelt option or a value outside its
 * domain throws a sentence naming the valid ones (`SettingsError`); nothing is silently ignored. Weight decay,
 * the option every optimizer takes, goes around the maker's transform (after its gradient clipping); as a number
 * (the `weightDecay` setting) it is the official code's own where the optimizer has one.
 */
export function makeOptimizer(
  name: string,
  options: Readonly<Record<string, unknown>> &
    Omit<RecipeOptions, 'weightDecay'> & { weightDecay?: RecipeOptions['weightDecay'] | number } = {},
): Transform {
  const spec = optimizerSpec(name);
  const make = makers.get(name);
  if (!spec || !make) throw new SettingsError(unknownOptimizer(name));
  // Weight decay as a setting (a number) is checked with the other settings. Where the optimizer's code has its own
  // (the peers) it goes to the maker; else it is the lab's, around the maker's transform, in its form (spec.ts,
  // `withWeightDecaySetting`). As an object it is the lab's, as the makers take it.
  const { weightDecay: wd, ...rest } = options;
  const settings: Record<string, unknown> = typeof wd === 'number' ? { ...rest, weightDecay: wd } : rest;
  const checked = resolveSettings(spec.title, spec.settings, settings);
  const labs = spec.settings.some((s) => s.key === WEIGHT_DECAY_FORM.key);
  const weightDecay =
    typeof wd === 'object'
      ? wd
      : labs && typeof wd === 'number' && wd > 0
        ? { mode: checked.weightDecayForm as 'decoupled' | 'l2', coefficient: wd }
        : undefined;
  // Only what was given goes to the maker (its defaults are the spec's), less the lab's weight decay.
  const given = Object.fromEntries(
    Object.keys(settings)
      .filter((k) => settings[k] !== undefined && !(labs && (k === WEIGHT_DECAY.key || k === WEIGHT_DECAY_FORM.key)))
      .map((k) => [k, checked[k]]),
  );
  return finish((make as unknown as (o: object) => GradientTransformation<OptState>)(given), { weightDecay });
}
