import { openDB, type IDBPDatabase } from 'idb';
import { DatasetError } from '../tasks/data/idx';

/**
 * The lab's IndexedDB, as far as the workers see it: its name, its version and the one upgrade that
 * creates every store (the page's typed schema is in state/db.ts and opens it through the same upgrade),
 * and the dataset files the user dropped into the page.
 */
export const LAB_DB_NAME = 'l4-lab';
export const LAB_DB_VERSION = 4;

/** Creates the stores a database of `oldVersion` lacks. */
export function upgradeLabDb(d: IDBPDatabase<unknown>, oldVersion: number): void {
  const db = d as unknown as IDBDatabase;
  if (oldVersion < 1) {
    db.createObjectStore('experiment');
    db.createObjectStore('runs', { keyPath: 'id' });
    db.createObjectStore('chunks', { keyPath: ['runId', 'seq'] }).createIndex('byRun', 'runId');
  }
  if (oldVersion < 2) db.createObjectStore('checkpoints');
  if (oldVersion < 3) db.createObjectStore('datasets');
  if (oldVersion < 4) db.createObjectStore('history', { keyPath: 'id' });
}

/** A dataset a user can drop into the page, by its id (its spec says `droppable`). */
export type DroppedDataset = string;

/** The dropped files of a dataset (their names, and a reader), for the worker; null when none were dropped. */
export async function droppedSource(
  dataset: DroppedDataset,
): Promise<{ files: string[]; read: (file: string) => Promise<Uint8Array> } | null> {
  const db = await openDB(LAB_DB_NAME, LAB_DB_VERSION, { upgrade: upgradeLabDb });
  const files = (await db.getAllKeys('datasets'))
    .map(String)
    .filter((k) => k.startsWith(`${dataset}/`))
    .map((k) => k.slice(dataset.length + 1));
  if (files.length === 0) return null;
  return {
    files,
    read: async (file) => {
      const bytes = (await db.get('datasets', `${dataset}/${file}`)) as Uint8Array | undefined;
      if (!bytes) throw new DatasetError(file, 'was not among the files you dropped.');
      return bytes;
    },
  };
}
