import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SerializedCheckpoint } from '../engine/snapshot';
import { LAB_DB_NAME, LAB_DB_VERSION, upgradeLabDb } from '../worker/labDb';
import type { TraceChunk } from '../engine/trace';
import type { Experiment } from './experiment';
import type { StoredExperiment } from './history';
import type { RunMeta } from './runs';

/** The lab's IndexedDB: shared by the page (persistence, dropped datasets) and the workers (datasets). */
export interface LabDb extends DBSchema {
  experiment: { key: string; value: Experiment };
  runs: { key: string; value: Omit<RunMeta, 'errors'> };
  chunks: { key: [string, number]; value: { runId: string; seq: number; chunk: TraceChunk }; indexes: { byRun: string } };
  /** The latest checkpoint of each run, by run id. */
  checkpoints: { key: string; value: SerializedCheckpoint };
  /** Dataset files the user dropped into the page, validated, by `<dataset>/<file name>`. */
  datasets: { key: string; value: Uint8Array };
  /** Experiments set aside by a Start, an import, a reset or a reopen (state/history.ts), each as its run bundle. */
  history: { key: string; value: StoredExperiment };
}

let db: Promise<IDBPDatabase<LabDb>> | null = null;

export function openLabDb(): Promise<IDBPDatabase<LabDb>> {
  db ??= openDB<LabDb>(LAB_DB_NAME, LAB_DB_VERSION, { upgrade: (d, old) => upgradeLabDb(d as IDBPDatabase<unknown>, old) });
  return db;
}
