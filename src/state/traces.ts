import { compact, TRACE_COLUMNS, type TraceChunk, type TraceColumn } from '../engine/trace';
import { StepBuckets, type BucketColumn } from '../lib/buckets';

/**
 * Rows kept at full resolution per run; older rows are thinned (see `compact`), so a million-step run holds
 * at most 3·FULL_ROWS rows in memory (the charts draw from step buckets fed with every row). The saved copy
 * in IndexedDB keeps every row.
 */
export const FULL_ROWS = 50_000;

/** The columns the live charts draw, kept as streaming step buckets per run (see lib/buckets). */
export const CHART_COLUMNS: readonly (BucketColumn & { name: TraceColumn })[] = [
  { name: 'loss', log: true },
  { name: 'lossMin', log: true },
  { name: 'effectiveLr', log: true },
  { name: 'gDotV', log: true },
  { name: 'numerator', log: true },
];

/**
 * A run's trace in growable column buffers: appending a chunk copies only the chunk (capacity doubles), and
 * once the rows pass 3·FULL_ROWS the older ones are thinned back (`compact`), so memory stays bounded.
 */
class StoredTrace {
  columns: Record<TraceColumn, Float64Array>;
  length = 0;
  readonly evals: TraceChunk['evals'] = [];
  readonly events: TraceChunk['events'] = [];
  theta?: Float64Array;
  thetaDim?: number;
  readonly buckets = new StepBuckets(CHART_COLUMNS);

  constructor(capacity = 1024) {
    this.columns = Object.fromEntries(TRACE_COLUMNS.map((c) => [c, new Float64Array(capacity)])) as Record<TraceColumn, Float64Array>;
  }

  private grow(need: number): void {
    const cap = this.columns.step.length;
    if (need <= cap) return;
    const next = Math.max(need, cap * 2);
    for (const c of TRACE_COLUMNS) {
      const a = new Float64Array(next);
      a.set(this.columns[c].subarray(0, this.length));
      this.columns[c] = a;
    }
    if (this.theta && this.thetaDim) {
      const t = new Float64Array(next * this.thetaDim);
      t.set(this.theta.subarray(0, this.length * this.thetaDim));
      this.theta = t;
    }
  }

  append(c: TraceChunk): void {
    if (c.thetaDim && c.theta && this.thetaDim === undefined && this.length === 0) {
      this.thetaDim = c.thetaDim;
      this.theta = new Float64Array(this.columns.step.length * c.thetaDim).fill(NaN);
    }
    this.grow(this.length + c.length);
    for (const col of TRACE_COLUMNS) this.columns[col].set(c.columns[col].subarray(0, c.length), this.length);
    if (this.theta && this.thetaDim) {
      if (c.theta && c.thetaDim === this.thetaDim)
        this.theta.set(c.theta.subarray(0, c.length * this.thetaDim), this.length * this.thetaDim);
      else this.theta.fill(NaN, this.length * this.thetaDim, (this.length + c.length) * this.thetaDim);
    }
    this.length += c.length;
    this.evals.push(...c.evals);
    this.events.push(...c.events);
    this.buckets.add({ length: c.length, step: c.columns.step, wallTime: c.columns.wallTime, values: c.columns });
    if (this.length > 3 * FULL_ROWS) {
      const kept = compact(this.view(), FULL_ROWS);
      for (const col of TRACE_COLUMNS) this.columns[col].set(kept.columns[col].subarray(0, kept.length));
      if (this.theta && kept.theta) this.theta.set(kept.theta);
      this.length = kept.length;
    }
  }

  /** The rows so far as a chunk (views on the buffers: read it now, do not keep it). */
  view(): TraceChunk {
    const n = this.length;
    const columns = Object.fromEntries(TRACE_COLUMNS.map((c) => [c, this.columns[c].subarray(0, n)])) as TraceChunk['columns'];
    const out: TraceChunk = { columns, length: n, evals: this.evals, events: this.events };
    if (this.theta && this.thetaDim) {
      out.theta = this.theta.subarray(0, n * this.thetaDim);
      out.thetaDim = this.thetaDim;
    }
    return out;
  }
}

/**
 * Traces live outside React state (zustand transient updates / leva's Monitor habit): chunks are appended
 * here as they arrive, and charts read them at most a few times a second through `subscribeTraces`.
 */
const traces = new Map<string, StoredTrace>();
const listeners = new Set<() => void>();
let version = 0;
let scheduled = false;

function notify(): void {
  version++;
  if (scheduled) return;
  scheduled = true;
  // Coalesce bursts of chunks into one redraw per animation frame (or per tick where there is no rAF).
  const raf = (globalThis as { requestAnimationFrame?: (f: () => void) => void }).requestAnimationFrame;
  (raf ?? ((f: () => void) => setTimeout(f, 16)))(() => {
    scheduled = false;
    for (const l of listeners) l();
  });
}

const importListeners = new Set<(runId: string, trace: TraceChunk) => void>();

/** Called for every trace imported from a bundle (persistence saves it; streamed chunks go through the gate). */
export function onTraceImported(listener: (runId: string, trace: TraceChunk) => void): () => void {
  importListeners.add(listener);
  return () => importListeners.delete(listener);
}

/**
 * Persistence installs a gate: a chunk becomes visible only once it is saved, so every point the page has
 * shown survives a reload. (A failed save still shows the chunk; the failure becomes a notice.)
 */
let gate: ((runId: string, chunk: TraceChunk) => Promise<void>) | null = null;
const queues = new Map<string, Promise<void>>();
export function setAppendGate(g: typeof gate): void {
  gate = g;
}

/** Bumped when a run's trace is cleared, so a save that completes afterwards does not bring it back. */
const generation = new Map<string, number>();

function insert(runId: string, chunk: TraceChunk): void {
  let t = traces.get(runId);
  if (!t) traces.set(runId, (t = new StoredTrace()));
  t.append(chunk);
  notify();
}

/** Adds a chunk to a run's trace; resolves when it is visible (after it is saved, when persistence is on). */
export function appendChunk(runId: string, chunk: TraceChunk): Promise<void> {
  if (!gate) {
    insert(runId, chunk);
    return Promise.resolve();
  }
  const g = gate;
  const gen = generation.get(runId) ?? 0;
  // Chunks of one run become visible in order, each after its own save.
  const next: Promise<void> = (queues.get(runId) ?? Promise.resolve())
    .then(() => g(runId, chunk))
    .catch(() => undefined)
    .then(() => {
      if (queues.get(runId) === next) queues.delete(runId);
      if ((generation.get(runId) ?? 0) === gen) insert(runId, chunk);
    });
  queues.set(runId, next);
  return next;
}

/**
 * The trace of a run so far (the last FULL_ROWS rows whole, older rows thinned), or null. The columns are
 * views on live buffers: read them at once; the next chunk may replace them.
 */
export function traceOf(runId: string): TraceChunk | null {
  const t = traces.get(runId);
  return t && (t.length > 0 || t.evals.length > 0) ? t.view() : null;
}

/** A run's chart buckets (every row, bucketed by step), or null. */
export function bucketsOf(runId: string): StepBuckets | null {
  return traces.get(runId)?.buckets ?? null;
}

/** Resolves once every chunk appended so far for the run is visible (saved, when persistence is on). */
export function whenVisible(runId: string): Promise<void> {
  return queues.get(runId) ?? Promise.resolve();
}

/** Replaces a run's trace: an imported bundle (saved like any chunk) or a run restored from storage (not saved again). */
export function setTrace(runId: string, trace: TraceChunk, { fromStorage = false } = {}): void {
  const t = new StoredTrace(Math.max(1024, Math.min(trace.length, 3 * FULL_ROWS)));
  t.append(trace);
  traces.set(runId, t);
  if (!fromStorage) for (const l of importListeners) l(runId, trace);
  notify();
}

export function clearTrace(runId: string): void {
  traces.delete(runId);
  generation.set(runId, (generation.get(runId) ?? 0) + 1);
  queues.delete(runId);
  notify();
}

export function subscribeTraces(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function tracesVersion(): number {
  return version;
}
