export { withStepsize, type RuleState, type StepsizeRule, type StepContext, type StepResult } from './rule';
export { constantRule } from './constant';
export { l4Rule, L4_DEFAULTS, validateL4Hyper, type L4Options, type L4State } from './l4';
export { polyakRule, spsMaxRule, aliGRule, type PolyakOptions, type SpsMaxOptions, type AliGOptions } from './polyak';
