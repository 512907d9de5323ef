export { withStepsize, type RuleState, type StepsizeRule, type StepContext, type StepResult } from './rule';
export { constantRule, type ConstantHyper } from './constant';
export { l4Rule, validateL4Hyper, type L4Hyper, type L4Options, type L4State } from './l4';
export { L4_DEFAULTS } from '../defaults';
export { l4Epilogue, type L4EpilogueResult, type L4EpilogueSettings } from './l4Formula';
export { polyakRule, spsMaxRule, aliGRule, type PolyakOptions, type SpsMaxOptions, type AliGOptions } from './polyak';
