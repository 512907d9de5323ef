export { benchmarkSweep } from './benchmark';
export {
  BASELINES,
  L4_AT_DEFAULTS,
  LR_FREE_PEERS,
  MOMO_TASKS,
  momoLineup,
  SUCCESSORS,
  PEERS_TASK_SETTINGS,
  PEERS_TASKS,
  peersLineup,
  SELF_TUNING_STEPS,
  SELF_TUNING_TASK,
  selfTuningLineup,
  type LineupEntry,
} from './lineups';
export { PAPER_SETUPS, type PaperEntry, type PaperSetup, type PaperSetupId } from './paper';
