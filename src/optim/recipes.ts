import {
  adagradDirection,
  adamDirection,
  emaMomentumDirection,
  heavyBallDirection,
  rmspropDirection,
  sgdDirection,
  type AdamDirectionOptions,
  type RmsPropDirectionOptions,
} from './directions';
import { withClipping } from './clipping';
import {
  aliGRule,
  constantRule,
  l4Rule,
  polyakRule,
  spsMaxRule,
  withStepsize,
  type AliGOptions,
  type L4Options,
  type PolyakOptions,
  type RuleState,
  type SpsMaxOptions,
} from './stepsizes';
import type { Direction, GradientTransformation, Hyper, OptState, WeightDecayConfig } from './types';
import {
  optimizerSpec,
  registerOptimizerSpec,
  unknownOptimizer,
  unregisterOptimizerSpec,
  type BuiltinOptimizer,
  type OptimizerSpec,
} from './catalogue';
import { refuseUnknown, resolveSettings, SettingsError } from './settings';
import { withWeightDecay } from './weightDecay';
import {
  dadaptAdam as dadaptAdamPeer,
  dog as dogPeer,
  prodigy as prodigyPeer,
  scheduleFreeAdamW,
  scheduleFreeSGD,
  type DAdaptAdamSettings,
  type DoGSettings,
  type ProdigySettings,
  type ScheduleFreeAdamWSettings,
  type ScheduleFreeSGDSettings,
} from './peers';

/** Options every recipe accepts. */
export interface RecipeOptions {
  weightDecay?: WeightDecayConfig;
}

/** Any optimizer of the lab, its state erased to what every one has. */
export type Transform = GradientTransformation<OptState>;

/** Typed options of each recipe: an unknown key is a type error (and a sentence at run time). */
export interface SgdOptions extends RecipeOptions {
  learningRate?: number;
  /** Clip the gradients to this global norm first (`withClipping`); unset: no clipping. */
  clipNorm?: number;
}
export interface MomentumOptions extends SgdOptions {
  momentum?: number;
}
export interface AdamOptions extends SgdOptions, AdamDirectionOptions {}
export interface RmsPropOptions extends SgdOptions, RmsPropDirectionOptions {}
export interface AdagradOptions extends SgdOptions {
  initialAccumulator?: number;
  epsilon?: number;
}
export interface L4AdamOptions extends L4Options, RecipeOptions {
  beta2?: number;
  adamEpsilon?: number;
}

/** The recipe options every optimizer takes: gradient clipping first, then weight decay around it (an L2 term is part of the gradient that is clipped, as with TensorFlow's loss-side decay). */
function finish<S extends OptState>(t: GradientTransformation<S>, o: RecipeOptions & { clipNorm?: number }): Transform {
  const clipped = o.clipNorm === undefined ? t : withClipping(t, o.clipNorm);
  const out = o.weightDecay ? withWeightDecay(clipped, o.weightDecay) : clipped;
  return out as unknown as Transform;
}

/** The catalogue's defaults for a recipe, overridden by the options given. */
function withDefaults<O extends object>(id: BuiltinOptimizer, o: O): Required<Pick<O, Exclude<keyof O, 'weightDecay'>>> & O {
  const spec = optimizerSpec(id) as OptimizerSpec;
  refuseUnknown(spec.title, o, [...spec.settings.map((s) => s.key), 'weightDecay']);
  const d = Object.fromEntries(spec.settings.filter((s) => !s.optional).map((s) => [s.key, s.default]));
  return { ...d, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as never;
}

/** SGD: Δθ = −lr·g. */
export function sgd(o: SgdOptions = {}): Transform {
  const s = withDefaults('sgd', o);
  return finish(withStepsize('sgd', sgdDirection(), constantRule({ learningRate: s.learningRate })), o);
}

/** Heavy-ball momentum (the paper's mSGD): acc ← μ·acc + g, Δθ = −lr·acc. */
export function momentum(o: MomentumOptions = {}): Transform {
  const s = withDefaults('momentum', o);
  return finish(withStepsize('momentum', heavyBallDirection({ momentum: s.momentum }), constantRule({ learningRate: s.learningRate })), o);
}

/** Adam with the paper's baseline settings by default: lr 1e-3, β1 0.9, β2 0.999, ε 1e-4. */
export function adam(o: AdamOptions = {}): Transform {
  const s = withDefaults('adam', o);
  const dir = adamDirection({ beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, epsilonForm: s.epsilonForm });
  return finish(withStepsize('adam', dir, constantRule({ learningRate: s.learningRate })), o);
}

/** RMSProp: s ← ρ·s + (1−ρ)·g², Δθ = −lr·g/(√s + ε). */
export function rmsprop(o: RmsPropOptions = {}): Transform {
  const s = withDefaults('rmsprop', o);
  const dir = rmspropDirection({ decay: s.decay, epsilon: s.epsilon, form: s.form });
  return finish(withStepsize('rmsprop', dir, constantRule({ learningRate: s.learningRate })), o);
}

/** AdaGrad: s ← s + g², Δθ = −lr·g/(√s + ε). */
export function adagrad(o: AdagradOptions = {}): Transform {
  const s = withDefaults('adagrad', o);
  const dir = adagradDirection({ initialAccumulator: s.initialAccumulator, epsilon: s.epsilon });
  return finish(withStepsize('adagrad', dir, constantRule({ learningRate: s.learningRate })), o);
}

/** L4 over any direction (the authors' `L4General`): Δθ = −α·(L − γ·L_min)/(gᵀv + ε)·v (eq. 6). */
export function l4(direction: Direction<unknown>, o: L4Options & RecipeOptions = {}, name = `l4-${direction.name}`): Transform {
  const { weightDecay, ...l4opts } = o;
  return finish(withStepsize(name, direction, l4Rule(l4opts)), { weightDecay });
}

/** L4Adam: L4 over the Adam direction (τm = 10, τs = 1000, ε = 1e-4), paper defaults. */
export function l4Adam(o: L4AdamOptions = {}): Transform {
  const { beta2, adamEpsilon, ...rest } = withDefaults('l4adam', o);
  const dir = adamDirection({ beta1: 1 - 1 / rest.gradTimescale, beta2, epsilon: adamEpsilon });
  return l4(dir, rest, 'l4adam');
}

/** L4Mom: L4 over the bias-corrected momentum EMA (τm = 10), paper defaults. */
export function l4Mom(o: L4Options & RecipeOptions = {}): Transform {
  const s = withDefaults('l4mom', o);
  return l4(emaMomentumDirection({ timescale: s.gradTimescale }), s, 'l4mom');
}

/** Classic Polyak stepsize over SGD with a known f*. */
export function polyak(o: PolyakOptions & RecipeOptions = {}): Transform {
  const { weightDecay, ...p } = withDefaults('polyak', o);
  return finish(withStepsize('polyak', sgdDirection(), polyakRule(p)), { weightDecay });
}

/** SPS_max over SGD (Loizou et al. 2021). */
export function spsMax(o: SpsMaxOptions & RecipeOptions = {}): Transform {
  const { weightDecay, ...p } = withDefaults('sps-max', o);
  return finish(withStepsize('sps-max', sgdDirection(), spsMaxRule(p)), { weightDecay });
}

/** ALI-G over SGD (Berrada et al. 2020). */
export function aliG(o: AliGOptions & RecipeOptions = {}): Transform {
  const { weightDecay, ...p } = withDefaults('ali-g', o);
  return finish(withStepsize('ali-g', sgdDirection(), aliGRule(p)), { weightDecay });
}

/**
 * A learning-rate-free peer's options in the lab: its settings as the catalogue names them (`learningRate` for the
 * class's `lr`), without the switches the lab does not show, plus the recipe options.
 */
export type PeerOptions<H> = Partial<Omit<H, 'lr' | 'weightDecay' | 'decouple' | 'useBiasCorrection' | 'safeguardWarmup'>> & SgdOptions;

function peer<H>(id: BuiltinOptimizer, make: (s: Partial<H>) => GradientTransformation<OptState>, o: PeerOptions<H>): Transform {
  const { learningRate, weightDecay, ...rest } = withDefaults(id, o) as PeerOptions<H>;
  // The catalogue writes "unset" as absent; the classes as null.
  const settings = { ...rest, lr: learningRate } as Record<string, unknown>;
  for (const s of optimizerSpec(id)!.settings) if (s.optional) settings[s.key] ??= null;
  return finish(labNames(make(settings as Partial<H>)), { weightDecay });
}

/**
 * The lab names every optimizer's rate `learningRate` (the URL, the CLI's `--lr`, the tuning grid, live changes);
 * the peers' classes and the golden files name it `lr`. This view renames it in the state's settings and back for
 * the peer's own update.
 */
function labNames<S extends OptState>(t: GradientTransformation<S>): GradientTransformation<S> {
  const toLab = ({ lr, ...rest }: Hyper): Hyper => ({ learningRate: lr ?? null, ...rest });
  const toOwn = ({ learningRate, ...rest }: Hyper): Hyper => ({ lr: learningRate ?? null, ...rest });
  return {
    ...t,
    config: { ...t.config, hyper: toLab(t.config.hyper) },
    validateHyper: (h) => t.validateHyper(toOwn(h)),
    init: (params) => {
      const s = t.init(params);
      return { ...s, hyper: toLab(s.hyper) };
    },
    update: (grads, state, params, inputs) => {
      const out = t.update(grads, { ...state, hyper: toOwn(state.hyper) }, params, inputs);
      return { updates: out.updates, state: { ...out.state, hyper: state.hyper } };
    },
  };
}

export const prodigy = (o: PeerOptions<ProdigySettings> = {}) => peer<ProdigySettings>('prodigy', prodigyPeer, o);
export const dadaptAdam = (o: PeerOptions<DAdaptAdamSettings> = {}) => peer<DAdaptAdamSettings>('dadapt-adam', dadaptAdamPeer, o);
export const dog = (o: PeerOptions<DoGSettings> = {}) => peer<DoGSettings>('dog', dogPeer, o);
export const sfAdamW = (o: PeerOptions<ScheduleFreeAdamWSettings> = {}) =>
  peer<ScheduleFreeAdamWSettings>('sf-adamw', scheduleFreeAdamW, o);
export const sfSgd = (o: PeerOptions<ScheduleFreeSGDSettings> = {}) => peer<ScheduleFreeSGDSettings>('sf-sgd', scheduleFreeSGD, o);

/** A recipe's maker: its typed options in, a transform out. */
type Maker = (o: never) => Transform;

/** The maker of every optimizer in the catalogue (catalogue.ts), by id; a spec without a maker does not compile. */
export const RECIPES = {
  sgd,
  momentum,
  adam,
  rmsprop,
  adagrad,
  l4adam: l4Adam,
  l4mom: l4Mom,
  polyak,
  'sps-max': spsMax,
  'ali-g': aliG,
  prodigy,
  'dadapt-adam': dadaptAdam,
  dog,
  'sf-adamw': sfAdamW,
  'sf-sgd': sfSgd,
} as const satisfies Record<BuiltinOptimizer, Maker>;

export type RecipeName = keyof typeof RECIPES;

const makers = new Map<string, Maker>(Object.entries(RECIPES));

/**
 * Adds an optimizer: its spec to the catalogue and its maker here. It then appears wherever optimizers are
 * listed (builder, URL, CLI, tuning, charts) and `makeOptimizer` builds it.
 */
export function registerOptimizer<O extends object>(spec: OptimizerSpec, make: (o: O & RecipeOptions) => Transform): void {
  registerOptimizerSpec(spec);
  makers.set(spec.id, make as Maker);
}

/** Tests only: removes an optimizer added with `registerOptimizer`. */
export function unregisterOptimizer(id: string): void {
  unregisterOptimizerSpec(id);
  makers.delete(id);
}

/**
 * Builds an optimizer from its id and options. An unknown id, a misspelt option or a value outside its
 * domain throws a sentence naming the valid ones (`SettingsError`); nothing is silently ignored.
 */
export function makeOptimizer(name: string, options: Readonly<Record<string, unknown>> = {}): Transform {
  const spec = optimizerSpec(name);
  const make = makers.get(name);
  if (!spec || !make) throw new SettingsError(unknownOptimizer(name));
  const { weightDecay, ...settings } = options;
  const checked = resolveSettings(spec.title, spec.settings, settings);
  // Only what was given goes to the maker: its defaults are the catalogue's.
  const given = Object.fromEntries(
    Object.keys(settings)
      .filter((k) => settings[k] !== undefined)
      .map((k) => [k, checked[k]]),
  );
  return (make as (o: object) => Transform)(weightDecay === undefined ? given : { ...given, weightDecay });
}
