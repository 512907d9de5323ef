import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { concatChunks, type TraceChunk } from '../engine/trace';
import type { Experiment } from './experiment';
import { useLab } from './lab';
import { useRuns, type RunMeta } from './runs';
import { onChunkAppended } from './traces';

/**
 * Nothing lost on reload: the experiment, every run's metadata and every trace chunk go to IndexedDB as
 * they arrive. On start the saved runs come back; a run that was still going is shown as "interrupted".
 * A full disk is said out loud (a notice with a way to delete saved runs), never dropped silently.
 */
interface LabDb extends DBSchema {
  experiment: { key: string; value: Experiment };
  runs: { key: string; value: SavedRun };
  chunks: { key: [string, number]; value: SavedChunk; indexes: { byRun: string } };
}

type SavedRun = Omit<RunMeta, 'errors'>;
interface SavedChunk {
  runId: string;
  seq: number;
  chunk: TraceChunk;
}

const DB_NAME = 'l4-lab';
let db: Promise<IDBPDatabase<LabDb>> | null = null;

function open(): Promise<IDBPDatabase<LabDb>> {
  db ??= openDB<LabDb>(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('experiment');
      d.createObjectStore('runs', { keyPath: 'id' });
      d.createObjectStore('chunks', { keyPath: ['runId', 'seq'] }).createIndex('byRun', 'runId');
    },
  });
  return db;
}

/** Reports a failed write once, in words, with what to do about it. */
function reportWriteError(e: unknown): void {
  const full = (e as { name?: string })?.name === 'QuotaExceededError';
  const message = full
    ? 'The browser’s storage for this site is full, so new trace points are no longer saved. Delete saved runs to make room.'
    : `Saving runs failed (${(e as Error)?.message ?? String(e)}); they are still shown, but will not survive a reload.`;
  const lab = useLab.getState();
  if (!lab.notices.includes(message)) lab.setNotices([...lab.notices, message]);
}

/** Warns when less than 10 % of the storage quota is left. */
export async function checkQuota(): Promise<void> {
  const est = await navigator.storage?.estimate?.().catch(() => null);
  if (!est?.quota || est.usage === undefined) return;
  if (est.usage / est.quota > 0.9) {
    reportWriteError({ name: 'QuotaExceededError' });
  }
}

/** Restores saved runs and their traces. Runs that were going when the page closed become "interrupted". */
export async function restoreRuns(): Promise<number> {
  const d = await open();
  const runs = await d.getAll('runs');
  const store = useRuns.getState();
  for (const r of runs) {
    const saved = await d.getAllFromIndex('chunks', 'byRun', r.id);
    saved.sort((a, b) => a.seq - b.seq);
    const trace = concatChunks(saved.map((s) => s.chunk));
    const live = r.status === 'running' || r.status === 'paused' || r.status === 'starting' || r.status === 'queued';
    store.addImported({ ...r, status: live ? 'interrupted' : r.status, step: trace.length }, trace, { fromStorage: true });
    seq.set(r.id, saved.length);
  }
  return runs.length;
}

/** Deletes every saved run and trace (the experiment stays). */
export async function deleteSavedRuns(): Promise<void> {
  const d = await open();
  const tx = d.transaction(['runs', 'chunks'], 'readwrite');
  await Promise.all([tx.objectStore('runs').clear(), tx.objectStore('chunks').clear(), tx.done]);
  seq.clear();
}

const seq = new Map<string, number>();

/** Starts saving: the experiment when it changes, run metadata when a run changes, every chunk as it comes. */
export function startPersistence(): () => void {
  const write = (f: (d: IDBPDatabase<LabDb>) => Promise<unknown>) => {
    open()
      .then(f)
      .catch(reportWriteError);
  };
  let expTimer: ReturnType<typeof setTimeout> | null = null;
  const unsubLab = useLab.subscribe((s, prev) => {
    if (s.experiment === prev.experiment) return;
    if (expTimer) clearTimeout(expTimer);
    expTimer = setTimeout(() => write((d) => d.put('experiment', s.experiment, 'current')), 300);
  });
  const unsubRuns = useRuns.subscribe((s, prev) => {
    for (const id of s.order) {
      const r = s.runs[id]!;
      const p = prev.runs[id];
      // Save when the status or backend changes (the step count is rebuilt from the chunks on restore).
      if (!p || p.status !== r.status || p.backend !== r.backend || p.testAccuracy !== r.testAccuracy) {
        const { errors: _errors, ...saved } = r;
        write((d) => d.put('runs', saved));
      }
    }
    for (const id of prev.order) {
      if (!s.runs[id]) {
        seq.delete(id);
        write(async (d) => {
          const tx = d.transaction(['runs', 'chunks'], 'readwrite');
          await tx.objectStore('runs').delete(id);
          let cursor = await tx.objectStore('chunks').index('byRun').openCursor(id);
          while (cursor) {
            await cursor.delete();
            cursor = await cursor.continue();
          }
          await tx.done;
        });
      }
    }
  });
  const unsubChunks = onChunkAppended((runId, chunk) => {
    const n = seq.get(runId) ?? 0;
    seq.set(runId, n + 1);
    write((d) => d.put('chunks', { runId, seq: n, chunk }));
  });
  const quota = setInterval(() => void checkQuota(), 30_000);
  return () => {
    unsubLab();
    unsubRuns();
    unsubChunks();
    clearInterval(quota);
  };
}
