/** What code imports from stepsizes/ by name. `makeOptimizer` does not read it: it finds the makers among the folder's modules (recipes.ts). */
export { withStepsize, type RuleState, type StepsizeRule, type StepContext, type StepResult } from './rule';
export { constantRule, type ConstantHyper } from './constant';
export {
  l4Rule,
  validateL4Hyper,
  l4,
  l4Adam,
  l4Mom,
  l4Muon,
  cautiousL4Adam,
  type L4AdamOptions,
  type L4MuonOptions,
  type L4Hyper,
  type L4Options,
  type L4State,
} from './l4';
export { L4_DEFAULTS, L4_DIAGNOSTICS, L4_SETTINGS, cL4AdamMeta, l4adamMeta, l4momMeta, l4muonMeta } from './l4.meta';
export { l4Epilogue, l4Body, l4StepFormula, type L4EpilogueResult, type L4EpilogueSettings } from './l4Formula';
export { polyakRule, spsMaxRule, aliGRule, polyak, spsMax, aliG, type PolyakOptions, type SpsMaxOptions, type AliGOptions } from './polyak';
export { POLYAK_DIAGNOSTICS, polyakMeta, spsMaxMeta, aliGMeta } from './polyak.meta';
