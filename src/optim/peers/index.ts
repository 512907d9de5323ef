export { guardedUpdate, type PeerState } from './common';
export * from './defaults';
export { prodigy, validateProdigy, type ProdigyState } from './prodigy';
export { dadaptAdam, validateDAdaptAdam, type DAdaptAdamState } from './dadaptAdam';
export { dog, validateDoG, type DoGState } from './dog';
export { scheduleFreeAdamW, scheduleFreeSGD, type ScheduleFreeState } from './scheduleFree';
