export { guardedUpdate, type PeerState } from './common';
export { prodigy, validateProdigy, PRODIGY_DEFAULTS, type ProdigySettings, type ProdigyState } from './prodigy';
export { dadaptAdam, validateDAdaptAdam, DADAPT_ADAM_DEFAULTS, type DAdaptAdamSettings, type DAdaptAdamState } from './dadaptAdam';
export { dog, validateDoG, DOG_DEFAULTS, DOG_AVERAGE_GAMMA, type DoGSettings, type DoGState } from './dog';
export {
  scheduleFreeAdamW,
  scheduleFreeSGD,
  SF_ADAMW_DEFAULTS,
  SF_SGD_DEFAULTS,
  type ScheduleFreeAdamWSettings,
  type ScheduleFreeSGDSettings,
  type ScheduleFreeState,
} from './scheduleFree';
