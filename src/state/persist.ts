import type { IDBPDatabase } from 'idb';
import { openLabDb, type LabDb } from './db';
import { beforeStep, compact, concatChunks, type TraceChunk } from '../engine/trace';
import { useLab } from './lab';
import { onCheckpoint, setChunkSaver, useRuns } from './runs';
import { FULL_ROWS, onTraceImported, traceOf } from './traces';

/**
 * Nothing lost on reload: the experiment, every run's metadata and every trace chunk go to IndexedDB as
 * they arrive. On start the saved runs come back; a run that was still going is shown as "interrupted".
 * A full disk is said out loud (a notice with a way to delete saved runs), never dropped silently.
 */
const open = openLabDb;

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
  // Read everything first, then show it at once.
  const restored = await Promise.all(
    runs.map(async (r) => {
      const saved = await d.getAllFromIndex('chunks', 'byRun', r.id);
      saved.sort((a, b) => a.seq - b.seq);
      const live = ['running', 'paused', 'starting', 'queued', 'interrupted'].includes(r.status);
      const cp = live ? await d.get('checkpoints', r.id) : undefined;
      return { r, saved, live, cp };
    }),
  );
  const store = useRuns.getState();
  for (const { r, saved, live, cp } of restored) {
    const trace = compact(concatChunks(saved.map((s) => s.chunk)), FULL_ROWS);
    const steps = trace.length ? trace.columns.step[trace.length - 1]! + 1 : 0;
    store.addImported(
      {
        ...r,
        status: live ? 'interrupted' : r.status,
        step: steps,
        resumableFrom: cp && cp.step <= steps ? cp.step : null,
        changes: [...trace.events],
        ...(trace.length > 0 ? { firstLoss: trace.columns.loss[0]! } : {}),
      },
      trace,
      { fromStorage: true },
    );
    seq.set(r.id, saved.length);
  }
  return runs.length;
}

/** Deletes every saved run and trace (the experiment stays). */
export async function deleteSavedRuns(): Promise<void> {
  const d = await open();
  const tx = d.transaction(['runs', 'chunks', 'checkpoints'], 'readwrite');
  await Promise.all([tx.objectStore('runs').clear(), tx.objectStore('chunks').clear(), tx.objectStore('checkpoints').clear(), tx.done]);
  seq.clear();
}

/**
 * Resumes an interrupted run from its saved checkpoint: its trace is cut back to the checkpoint's step (in
 * storage too), and a new worker continues from there with the same settings.
 */
export async function resumeRun(id: string): Promise<void> {
  const d = await open();
  const cp = await d.get('checkpoints', id);
  const meta = useRuns.getState().runs[id];
  if (!cp || !meta) throw new Error(`Run ${id} has no checkpoint to resume from.`);
  const full = traceOf(id) ?? concatChunks([]);
  const trace = beforeStep(full, cp.step);
  const tx = d.transaction('chunks', 'readwrite');
  let cursor = await tx.store.index('byRun').openCursor(id);
  while (cursor) {
    await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.store.put({ runId: id, seq: 0, chunk: trace });
  await tx.done;
  seq.set(id, 1);
  useRuns
    .getState()
    .startRun(id, meta.specId, meta.seed, meta.config, { resume: cp, trace, ...(meta.branch ? { branch: meta.branch } : {}) });
}

const seq = new Map<string, number>();

/** Starts saving: the experiment when it changes, run metadata when a run changes, every chunk as it comes. */
export function startPersistence(): () => void {
  const write = (f: (d: IDBPDatabase<LabDb>) => Promise<unknown>) => {
    open().then(f).catch(reportWriteError);
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
          const tx = d.transaction(['runs', 'chunks', 'checkpoints'], 'readwrite');
          await tx.objectStore('runs').delete(id);
          await tx.objectStore('checkpoints').delete(id);
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
  const save = (runId: string, chunk: TraceChunk): Promise<void> => {
    const n = seq.get(runId) ?? 0;
    seq.set(runId, n + 1);
    return open()
      .then((d) => d.put('chunks', { runId, seq: n, chunk }))
      .then(
        () => undefined,
        (e: unknown) => reportWriteError(e),
      );
  };
  // Streamed chunks show only once saved; imported traces are saved as one chunk.
  setChunkSaver(save);
  const unsubChunks = onTraceImported((runId, trace) => void save(runId, trace));
  const unsubCheckpoints = onCheckpoint((id, cp) => write((d) => d.put('checkpoints', cp, id)));
  const quota = setInterval(() => void checkQuota(), 30_000);
  return () => {
    unsubLab();
    unsubRuns();
    unsubChunks();
    setChunkSaver(null);
    unsubCheckpoints();
    clearInterval(quota);
  };
}
