/**
 * Experiments are records: a finished, stopped or running experiment that a Start, an import, a reset or a reopen
 * replaces is set aside here first — its settings as the runs ran them, every run and branch with its record, every
 * trace (with its live changes and evaluations) — in IndexedDB beside the runs. The user can reopen, export (as a run
 * bundle, state/bundle.ts) or delete each; nothing on screen is lost by a new Start. At most MAX_HISTORY are kept (the
 * oldest goes first, and the list says so). Setting aside copies the traces' typed arrays and stores them as they
 * are: writing them as a bundle's JSON took ~0.9 s of the main thread for a few 70k-step runs.
 */
import { create } from 'zustand';
import { optimizerLabel } from '../optim/catalogue';
import { taskTitle } from '../tasks/catalogue';
import type { TraceChunk } from '../engine/trace';
import { makeBundle, readBundle } from './bundle';
import { openLabDb } from './db';
import type { Experiment } from './experiment';
import { useRuns, type RunMeta } from './runs';
import { traceOf } from './traces';

export const MAX_HISTORY = 30;

/** What the list shows of a set-aside experiment. */
export interface HistoryItem {
  readonly id: string;
  /** When it was set aside (ms since the epoch). */
  readonly savedAt: number;
  /** Its task and compared optimizers. */
  readonly title: string;
  /** "3 runs: 3 done", "4 runs: 2 done, 2 stopped". */
  readonly runs: string;
  /** What set it aside. */
  readonly why: string;
}

export interface StoredExperiment extends HistoryItem {
  readonly experiment: Experiment;
  readonly records: readonly Omit<RunMeta, 'errors'>[];
  /** Each run's trace by run id, its columns compact copies. */
  readonly traces: Readonly<Record<string, TraceChunk>>;
}

/** A trace's rows as compact copies (a view's buffer may be three times its length). */
const copyOf = (t: TraceChunk): TraceChunk => ({
  ...t,
  columns: Object.fromEntries(Object.entries(t.columns).map(([c, v]) => [c, v.slice(0, t.length)])) as TraceChunk['columns'],
  evals: [...t.evals],
  events: [...t.events],
  ...(t.theta ? { theta: t.theta.slice() } : {}),
});

/** Without IndexedDB (Node, tests), the history lives in memory. */
const memory = new Map<string, StoredExperiment>();
const hasDb = () => typeof indexedDB !== 'undefined';

async function putEntry(e: StoredExperiment): Promise<void> {
  if (!hasDb()) {
    memory.set(e.id, e);
    return;
  }
  await (await openLabDb()).put('history', e);
}

async function allEntries(): Promise<StoredExperiment[]> {
  return hasDb() ? (await openLabDb()).getAll('history') : [...memory.values()];
}

async function getEntry(id: string): Promise<StoredExperiment | undefined> {
  return hasDb() ? (await openLabDb()).get('history', id) : memory.get(id);
}

async function deleteEntry(id: string): Promise<void> {
  if (!hasDb()) memory.delete(id);
  else await (await openLabDb()).delete('history', id);
}

/**
 * The experiment the runs on screen ran, from their own records: the task, its settings, the steps, the seeds and
 * the compared specs as their runs were started (the builder may read otherwise by now); the builder's otherwise.
 */
export function recordedExperiment(builder: Experiment, runs: readonly RunMeta[]): Experiment {
  const own = runs.filter((r) => !r.branch);
  const first = own[0];
  if (!first) return builder;
  const specs = [
    ...new Map(
      own.map((r) => [r.specId, { id: r.specId, optimizer: r.config.optimizer, options: { ...r.config.optimizerOptions } }]),
    ).values(),
  ];
  const seeds = [...new Set(own.map((r) => r.seed))];
  return {
    ...builder,
    task: first.config.task,
    taskSettings: first.config.taskSettings as Experiment['taskSettings'],
    steps: first.config.steps,
    runs: specs,
    seed: Math.min(...seeds),
    seeds: seeds.length,
    ...(first.config.backend ? { backend: first.config.backend } : {}),
    ...(first.config.stepQuality ? { stepQuality: true } : { stepQuality: false }),
  };
}

const countsOf = (runs: readonly RunMeta[]): string => {
  const by = new Map<string, number>();
  for (const r of runs) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  return `${runs.length} run${runs.length === 1 ? '' : 's'}: ${[...by].map(([s, n]) => `${n} ${s}`).join(', ')}`;
};

interface HistoryState {
  readonly items: readonly HistoryItem[];
  /** Reads the list from storage. */
  refresh(): Promise<void>;
}

export const useHistory = create<HistoryState>()((set) => ({
  items: [],
  async refresh() {
    const all = await allEntries();
    set({
      items: all.map(({ id, savedAt, title, runs, why }) => ({ id, savedAt, title, runs, why })).sort((a, b) => b.savedAt - a.savedAt),
    });
  },
}));

let seq = 0;

/**
 * Sets the runs on screen aside as an experiment of the history (the bundle is taken now, synchronously, so that
 * whatever replaces the runs next cannot change it; it is written in the background). False when there are none.
 */
export function setAside(builder: Experiment, why: string): Promise<boolean> {
  const store = useRuns.getState();
  // An overlaid experiment is in the history already: only the runs of this one are set aside.
  const runs = store.order.map((id) => store.runs[id]!).filter((r) => r.overlay === undefined);
  if (runs.length === 0) return Promise.resolve(false);
  const experiment = recordedExperiment(builder, runs);
  const savedAt = Date.now();
  const traces: Record<string, TraceChunk> = {};
  for (const r of runs) {
    const t = traceOf(r.id);
    if (t) traces[r.id] = copyOf(t);
  }
  const entry: StoredExperiment = {
    id: `${savedAt.toString(36)}-${(seq++).toString(36)}`,
    savedAt,
    title: `${taskTitle(experiment.task)}: ${experiment.runs.map((r) => `${r.id}: ${optimizerLabel(r.optimizer, r.options)}`).join(', ')}`,
    runs: countsOf(runs),
    why,
    experiment,
    records: runs.map(({ errors: _e, ...meta }) => meta),
    traces,
  };
  return putEntry(entry)
    .then(async () => {
      const all = await allEntries();
      const old = all.sort((a, b) => b.savedAt - a.savedAt).slice(MAX_HISTORY);
      for (const e of old) await deleteEntry(e.id);
      await useHistory.getState().refresh();
      return true;
    })
    .catch((e: unknown) => {
      throw new Error(`The experiment could not be kept in the history: ${(e as Error).message}`);
    });
}

/** Shows a read run bundle's runs in place of the runs on screen (set those aside first). Returns the number of runs. */
export function showBundle(
  { experiment, notices, runs }: ReturnType<typeof readBundle>,
  setExperiment: (e: Experiment, notices: string[]) => void,
): number {
  const store = useRuns.getState();
  store.removeAll();
  setExperiment(experiment, notices);
  for (const r of runs) store.addImported(r.meta, r.trace);
  return runs.length;
}

/** The trace of a run that recorded no step. */
const emptyTrace = () => ({ columns: { step: new Float64Array(0), loss: new Float64Array(0) }, length: 0, evals: [], events: [] });

/** A set-aside experiment, whole. */
async function entryOf(id: string): Promise<StoredExperiment> {
  const e = await getEntry(id);
  if (!e) throw new Error('That experiment is no longer in the history.');
  return e;
}

/** A set-aside experiment as a run bundle (for export). */
export async function historyBundle(id: string): Promise<string> {
  const e = await entryOf(id);
  const runs = e.records.map((m) => ({ ...m, errors: [] }));
  return makeBundle(e.experiment, runs, (runId) => e.traces[runId] ?? null);
}

/**
 * Puts a set-aside experiment back on screen in place of the runs there (set those aside first), as imported runs
 * with their records and traces, and takes it out of the history. Returns the number of runs.
 */
export async function reopen(id: string, setExperiment: (e: Experiment, notices: string[]) => void): Promise<number> {
  const e = await entryOf(id);
  const store = useRuns.getState();
  store.removeAll();
  setExperiment(e.experiment, []);
  for (const m of e.records) {
    const trace = e.traces[m.id] ?? emptyTrace();
    store.addImported({ ...m, status: 'imported' }, trace as TraceChunk);
  }
  await deleteFromHistory(id);
  return e.records.length;
}

/** The prefix of an overlaid run's spec and run ids ("h" + its spec: run a.1 of the history is ha.1). */
export const OVERLAY_PREFIX = 'h';

/**
 * Shows a set-aside experiment's runs beside the runs on screen, to compare (their curves dashed, named "h" + their
 * spec), in place of any other overlay; it stays in the history. Refused when the runs on screen train another task.
 * Returns the number of runs.
 */
export async function overlay(id: string): Promise<number> {
  const e = await entryOf(id);
  const store = useRuns.getState();
  const current = store.order.map((r) => store.runs[r]!).find((r) => !r.branch && r.overlay === undefined);
  if (current && current.config.task !== e.experiment.task)
    throw new Error(
      `That experiment trained ${taskTitle(e.experiment.task)}, the runs on screen ${taskTitle(current.config.task)}: only runs of the same task can be drawn together.`,
    );
  removeOverlay();
  for (const m of e.records) {
    if (m.branch) continue;
    const trace = e.traces[m.id] ?? emptyTrace();
    store.addImported(
      { ...m, id: `${OVERLAY_PREFIX}${m.id}`, specId: `${OVERLAY_PREFIX}${m.specId}`, status: 'imported', overlay: e.title },
      trace as TraceChunk,
    );
  }
  return e.records.filter((m) => !m.branch).length;
}

/** Takes an overlaid experiment's runs off the screen (it stays in the history). */
export function removeOverlay(): void {
  const store = useRuns.getState();
  for (const id of store.order.filter((r) => store.runs[r]!.overlay !== undefined)) store.removeRun(id);
}

/** Deletes a set-aside experiment for good. */
export async function deleteFromHistory(id: string): Promise<void> {
  await deleteEntry(id);
  await useHistory.getState().refresh();
}
