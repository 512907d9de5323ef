/**
 * The path of a streamed chunk from a run's worker to the page: saved first (when persistence is installed), then
 * shown, in order per run, so that every point the page has shown survives a reload; and what a shown chunk changes
 * in the run's row of the table.
 */
import type { TraceChunk } from '../engine/trace';
import type { RunMeta } from './runs';

/** Saves a streamed chunk; persistence (state/persist.ts) installs it, and without it nothing is saved. */
type ChunkSaver = (runId: string, chunk: TraceChunk) => Promise<void>;
let saveChunk: ChunkSaver | null = null;
export function setChunkSaver(save: ChunkSaver | null): void {
  saveChunk = save;
}

/** Per run, the promise that its chunks so far are saved and shown; a removed run's later chunks are dropped. */
const shown = new Map<string, Promise<void>>();
/** Per run, the (step, wall time) of the last row shown: the speed is measured from it. */
const lastRowSeen = new Map<string, [number, number]>();
const generation = new Map<string, number>();

/** Drops a run's chunks still on their way (it was removed or restarted). */
export const forget = (id: string) => {
  generation.set(id, (generation.get(id) ?? 0) + 1);
  shown.delete(id);
};

/**
 * A chunk from a worker: saved, then `show`n, after the run's earlier chunks. (A failed save still shows the chunk;
 * persistence turns the failure into a notice.)
 */
export function receiveChunk(id: string, c: TraceChunk, show: () => void): void {
  const gen = generation.get(id) ?? 0;
  const next = (shown.get(id) ?? Promise.resolve())
    .then(() => saveChunk?.(id, c))
    .catch(() => undefined)
    .then(() => {
      if ((generation.get(id) ?? 0) !== gen) return;
      if (shown.get(id) === next) shown.delete(id);
      show();
    });
  shown.set(id, next);
}

/** Resolves once every chunk received so far for the run is shown. */
export const whenVisible = (id: string): Promise<void> => shown.get(id) ?? Promise.resolve();

/** The last row of a chunk: every series column (not the step or the wall time) by its name. */
export function lastRow(c: TraceChunk): Record<string, number> {
  const out: Record<string, number> = {};
  if (c.length === 0) return out;
  for (const [name, values] of Object.entries(c.columns)) if (name !== 'step' && name !== 'wallTime') out[name] = values[c.length - 1]!;
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a shown chunk changes in its run's row: the step, the last values, the best loss, the speed, the test metrics. */
export const chunkStats =
  (id: string, c: TraceChunk) =>
  (r: RunMeta): Partial<RunMeta> => {
    const p: Partial<Mutable<RunMeta>> = {};
    if (c.length > 0) {
      const last = c.length - 1;
      let best = r.bestLoss ?? Infinity;
      for (let i = 0; i < c.length; i++) if (c.columns.loss[i]! < best) best = c.columns.loss[i]!;
      p.step = c.columns.step[last]! + 1;
      p.last = lastRow(c);
      p.bestLoss = Number.isFinite(best) ? best : null;
      // The speed since the previous chunk's last row (a slow task sends one row per chunk), else within this one.
      const prev = lastRowSeen.get(id);
      const [step0, wall0] = prev ?? [c.columns.step[0]!, c.columns.wallTime[0]!];
      const steps = c.columns.step[last]! - step0;
      const dt = (c.columns.wallTime[last]! - wall0) / 1000;
      if (steps > 0 && dt > 0) p.stepsPerSecond = steps / dt;
      lastRowSeen.set(id, [c.columns.step[last]!, c.columns.wallTime[last]!]);
    }
    if (r.firstLoss === undefined && c.length > 0) p.firstLoss = c.columns.loss[0]!;
    if (c.events.length > 0) p.changes = [...(r.changes ?? []), ...c.events];
    const e = c.evals.at(-1);
    if (e) {
      p.testLoss = e.testLoss;
      p.testAccuracy = e.testAccuracy ?? null;
    }
    if (c.events.length) p.hyper = Object.assign({}, r.hyper, ...c.events.map((ev) => ev.patch));
    return p;
  };
