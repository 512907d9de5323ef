import {
  adagradDirection,
  adamDirection,
  emaMomentumDirection,
  heavyBallDirection,
  rmspropDirection,
  sgdDirection,
  type AdamDirectionOptions,
} from './directions';
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
import type { Direction, GradientTransformation, WeightDecayConfig } from './types';
import { withWeightDecay } from './weightDecay';

/** Options every recipe accepts. */
export interface RecipeOptions {
  weightDecay?: WeightDecayConfig;
}

export type Transform = GradientTransformation<RuleState>;

function finish<DS, RS>(t: GradientTransformation<RuleState<DS, RS>>, o: RecipeOptions): Transform {
  const out = o.weightDecay ? withWeightDecay(t, o.weightDecay) : t;
  return out as unknown as Transform;
}

/** SGD: Δθ = −lr·g. */
export function sgd(o: { learningRate?: number } & RecipeOptions = {}): Transform {
  return finish(withStepsize('sgd', sgdDirection(), constantRule({ learningRate: o.learningRate ?? 0.01 })), o);
}

/** Heavy-ball momentum (the paper's mSGD): acc ← μ·acc + g, Δθ = −lr·acc. */
export function momentum(o: { learningRate?: number; momentum?: number } & RecipeOptions = {}): Transform {
  const dir = heavyBallDirection({ momentum: o.momentum ?? 0.9 });
  return finish(withStepsize('momentum', dir, constantRule({ learningRate: o.learningRate ?? 0.01 })), o);
}

/** Adam with the paper's baseline settings by default: lr 1e-3, β1 0.9, β2 0.999, ε 1e-4. */
export function adam(o: { learningRate?: number } & AdamDirectionOptions & RecipeOptions = {}): Transform {
  const dir = adamDirection({ beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, epsilon: o.epsilon ?? 1e-4 });
  return finish(withStepsize('adam', dir, constantRule({ learningRate: o.learningRate ?? 1e-3 })), o);
}

/** RMSProp: s ← ρ·s + (1−ρ)·g², Δθ = −lr·g/(√s + ε). */
export function rmsprop(o: { learningRate?: number; decay?: number; epsilon?: number } & RecipeOptions = {}): Transform {
  const dir = rmspropDirection({ decay: o.decay ?? 0.9, epsilon: o.epsilon ?? 1e-7 });
  return finish(withStepsize('rmsprop', dir, constantRule({ learningRate: o.learningRate ?? 1e-3 })), o);
}

/** AdaGrad: s ← s + g², Δθ = −lr·g/(√s + ε). */
export function adagrad(
  o: { learningRate?: number; initialAccumulator?: number; epsilon?: number } & RecipeOptions = {},
): Transform {
  const dir = adagradDirection({ initialAccumulator: o.initialAccumulator ?? 0.1, epsilon: o.epsilon ?? 1e-7 });
  return finish(withStepsize('adagrad', dir, constantRule({ learningRate: o.learningRate ?? 0.01 })), o);
}

/** L4 over any direction (the authors' `L4General`): Δθ = −α·(L − γ·L_min)/(gᵀv + ε)·v (eq. 6). */
export function l4(direction: Direction<unknown>, o: L4Options & RecipeOptions = {}, name = `l4-${direction.name}`): Transform {
  const { weightDecay, ...l4opts } = o;
  return finish(withStepsize(name, direction, l4Rule(l4opts)), { weightDecay });
}

/** L4Adam: L4 over the Adam direction (τm = 10, τs = 1000, ε = 1e-4), paper defaults. */
export function l4Adam(o: L4Options & { beta2?: number; adamEpsilon?: number } & RecipeOptions = {}): Transform {
  const { beta2, adamEpsilon, ...rest } = o;
  const tauM = o.gradTimescale ?? 10;
  const dir = adamDirection({ beta1: 1 - 1 / tauM, beta2: beta2 ?? 0.999, epsilon: adamEpsilon ?? 1e-4 });
  return l4(dir, rest, 'l4adam');
}

/** L4Mom: L4 over the bias-corrected momentum EMA (τm = 10), paper defaults. */
export function l4Mom(o: L4Options & RecipeOptions = {}): Transform {
  return l4(emaMomentumDirection({ timescale: o.gradTimescale ?? 10 }), o, 'l4mom');
}

/** Classic Polyak stepsize over SGD with a known f*. */
export function polyak(o: PolyakOptions & RecipeOptions = {}): Transform {
  const { weightDecay, ...p } = o;
  return finish(withStepsize('polyak', sgdDirection(), polyakRule(p)), { weightDecay });
}

/** SPS_max over SGD (Loizou et al. 2021). */
export function spsMax(o: SpsMaxOptions & RecipeOptions = {}): Transform {
  const { weightDecay, ...p } = o;
  return finish(withStepsize('sps-max', sgdDirection(), spsMaxRule(p)), { weightDecay });
}

/** ALI-G over SGD (Berrada et al. 2020). */
export function aliG(o: AliGOptions & RecipeOptions = {}): Transform {
  const { weightDecay, ...p } = o;
  return finish(withStepsize('ali-g', sgdDirection(), aliGRule(p)), { weightDecay });
}

/** Every named recipe, for the engine, the CLI and the UI (which pick optimizers by name). */
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
} as const;

export type RecipeName = keyof typeof RECIPES;

/** Builds a recipe from its name and options; unknown names get a sentence listing the known ones. */
export function makeOptimizer(name: string, options: Record<string, unknown> = {}): Transform {
  const make = (RECIPES as Record<string, (o: Record<string, unknown>) => Transform>)[name];
  if (!make) throw new Error(`Unknown optimizer "${name}". Known: ${Object.keys(RECIPES).join(', ')}.`);
  return make(options);
}
