/**
 * `makeOptimizer`: any optimizer of the catalogue from its id and options checked against its spec. Each maker
 * lives beside its optimizer (directions/, stepsizes/, peers/) and carries its spec (`maker.meta = spec`); they are
 * found here among the library's exports, so the catalogue's list is the only registry.
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
import * as directions from './directions';
import * as peers from './peers';
import * as stepsizes from './stepsizes';
import { resolveSettings, SettingsError } from '../lib/settings';
import type { GradientTransformation, OptState } from './types';

export type { RecipeOptions, Transform } from './compose';

/** An optimizer's maker: its settings in (weight decay is added around it here), a transform out, its spec attached. */
export type Maker = ((settings: never) => GradientTransformation<OptState>) & { readonly meta: OptimizerSpec };

const isMaker = (x: unknown): x is Maker => typeof x === 'function' && 'meta' in x;

const makers = new Map<string, Maker>(
  (Object.values({ ...directions, ...stepsizes, ...peers }) as unknown[]).filter(isMaker).map((m) => [m.meta.id, m]),
);

/** The catalogue's optimizers that have no maker: none (a test holds it). */
export const withoutMaker = (): string[] => optimizerIds().filter((id) => !makers.has(id));

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
