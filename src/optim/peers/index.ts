/** What code imports from peers/ by name. `makeOptimizer` does not read it: it finds the makers among the folder's modules (recipes.ts). */
export { guardedUpdate, type PeerState } from './common';
export { prodigy, type ProdigySettings, type ProdigyState } from './prodigy';
export { dadaptAdam, type DAdaptAdamSettings, type DAdaptAdamState } from './dadaptAdam';
export { dog, type DoGSettings, type DoGState } from './dog';
export {
  scheduleFreeAdamW,
  scheduleFreeSGD,
  type ScheduleFreeAdamWSettings,
  type ScheduleFreeSGDSettings,
  type ScheduleFreeState,
} from './scheduleFree';
export { prodigyMeta } from './prodigy.meta';
export { dadaptAdamMeta } from './dadaptAdam.meta';
export { DOG_AVERAGE_GAMMA, dogMeta } from './dog.meta';
export { sfAdamWMeta, sfSgdMeta } from './scheduleFree.meta';
export { D_ADAPT_DIAGNOSTICS } from './common.meta';
export { cautiousLion, lion, type LionSettings, type LionState } from './lion';
export { ademamix, ademamixSchedule, type AdemamixSettings, type AdemamixState } from './ademamix';
export { cLionMeta, lionMeta } from './lion.meta';
export { ademamixMeta } from './ademamix.meta';
export {
  momo,
  momoAdam,
  momoAdamStar,
  momoStar,
  type MomoAdamSettings,
  type MomoAdamState,
  type MomoSettings,
  type MomoState,
} from './momo';
export { MOMO_DIAGNOSTICS, momoAdamMeta, momoAdamStarMeta, momoMeta, momoStarMeta } from './momo.meta';
export { muon, muonDirection, newtonSchulz, type MuonDirectionState, type MuonSettings, type MuonState } from './muon';
export { muonMeta } from './muon.meta';
export { scheduleFreePlus, sfPlusBeta, type SfPlusSettings, type SfPlusState } from './scheduleFreePlus';
export { sfPlusMeta } from './scheduleFreePlus.meta';
