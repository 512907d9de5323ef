/**
 * L4 Lab's optimizer library: pure transforms (optax-style) and `tf.Optimizer` adapters.
 *
 * Functional API: `const t = l4Adam(); let s = t.init(params); s = applyStep(t, vars, grads, s, { loss })`
 * (`s = await applyStepExactly(…)` with the same arguments to skip a bad step exactly on a GPU backend too).
 * Class API: `model.compile({ optimizer: new L4Adam() })`, or `opt.minimize(f)` in a loop, then read
 * `opt.diagnostics.effectiveLr` / `.lossMin` (device scalars of the last step).
 */
export type {
  Diagnostics,
  Direction,
  DirectionOutput,
  EvalAt,
  GradientTransformation,
  StepOutput,
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
export * from './peers';
export { makeOptimizer, registerOptimizer, unregisterOptimizer, type Maker } from './recipes';
export { finish, type RecipeOptions, type Transform } from './compose';
export { defineOptimizer, type OptimizerMeta } from './spec';
export { withWeightDecay } from './weightDecay';
export { judgesOnDevice, skipNonFinite, SKIPPED_STEPS, withoutSkip } from './skip';
export { applyStep, cloneState, disposeState, readDiagnostics, setHyper } from './apply';
export { applyStepExactly } from './exactStep';
export { decodeFlags, HyperparameterError, LossDomainError, MissingLossError, StepFlags, type StepFlagName } from './flags';
export { Adam, L4Adam, L4Mom, L4Muon, Momentum, RMSProp, SGD, TransformOptimizer } from './adapter';
export {
  Prodigy,
  DAdaptAdam,
  DoG,
  ScheduleFreeAdamW,
  ScheduleFreeSGD,
  Lion,
  AdEMAMix,
  MoMo,
  MoMoAdam,
  Muon,
  ScheduleFreePlus,
  type ClassSettings,
} from './peerClasses';
export * from './catalogue';
export * from '../lib/settings';
