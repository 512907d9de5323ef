/**
 * L4 Lab's optimizer library: pure transforms (optax-style) and `tf.Optimizer` adapters.
 *
 * Functional API: `const t = l4Adam(); let s = t.init(params); s = applyStep(t, vars, grads, s, { loss })`.
 * Class API: `model.compile({ optimizer: new L4Adam() })`, or `opt.minimize(f)` in a loop, then read
 * `opt.diagnostics.effectiveLr` / `.lossMin` (device scalars of the last step).
 */
export type {
  Diagnostics,
  Direction,
  DirectionOutput,
  EvalAt,
  GradientTransformation,
  Hyper,
  HyperValue,
  OptState,
  OptimizerConfig,
  StepInputs,
  Tensors,
  WeightDecayConfig,
} from './types';
export * from './directions';
export * from './stepsizes';
export {
  adagrad,
  adam,
  aliG,
  l4,
  l4Adam,
  l4Mom,
  makeOptimizer,
  momentum,
  polyak,
  RECIPES,
  registerOptimizer,
  unregisterOptimizer,
  rmsprop,
  sgd,
  spsMax,
  type AdagradOptions,
  type AdamOptions,
  type L4AdamOptions,
  type MomentumOptions,
  type RecipeName,
  type RmsPropOptions,
  type SgdOptions,
  type RecipeOptions,
  type Transform,
} from './recipes';
export { withWeightDecay } from './weightDecay';
export { applyStep, disposeState, readDiagnostics, setHyper } from './apply';
export { checkRange, decodeFlags, HyperparameterError, LossDomainError, MissingLossError, StepFlags, type StepFlagName } from './flags';
export {
  Adam,
  DAdaptAdam,
  DoG,
  L4Adam,
  L4Mom,
  Momentum,
  Prodigy,
  RMSProp,
  ScheduleFreeAdamW,
  ScheduleFreeSGD,
  SGD,
  TransformOptimizer,
} from './adapter';
export * from './peers';
export * from './catalogue';
export * from './settings';
