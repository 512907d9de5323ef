import { compact, type TraceChunk, type TraceColumns } from '../engine/trace';
import { StepBuckets } from '../lib/buckets';
import { columnSpec } from '../optim/catalogue';

/**
 * Rows kept at full resolution per run; older rows are thinned (see `compact`), so a million-step run holds
 * at most 3·FULL_ROWS rows in memory (the charts draw from step buckets fed with every row). The saved copy
 * in IndexedDB keeps every row.
 */
export const FULL_ROWS = 50_000;

/** Columns that are the x axis, not a series: not bucketed. */
const AXIS_COLUMNS = new Set(['step', 'wallTime']);

/**
 * A run's trace in growable column buffers: appending a chunk copies only the chunk (capacity doubles), and
 * once the rows pass 3·FULL_ROWS the older ones are thinned back (`compact`), so memory stays bounded.
 */
class StoredTrace {
  /** The run's columns, as its first chunk has them (every chunk of a run has the same). */
  columns: Record<string, Float64Array> = {};
  length = 0;
  readonly evals: TraceChunk['evals'] = [];
  readonly events: TraceChunk['events'] = [];
  theta?: Float64Array;
  thetaDim?: number;
  /** Every series column, bucketed on its own axis scale (columnSpec: the one declaration of each column). */
  buckets: StepBuckets | null = null;

  constructor(private capacity = 1024) {}

  /** Adds the columns of `c` this trace does not have yet, NaN for the rows before. */
  private adopt(c: TraceChunk): void {
    const names = Object.keys(c.columns).filter((n) => !(n in this.columns));
    if (names.length === 0) return;
    for (const n of names) this.columns[n] = new Float64Array(this.capacity).fill(NaN);
    // The buckets follow the first chunk's columns; a run's chunks all have the same ones.
    this.buckets ??= new StepBuckets(names.filter((n) => !AXIS_COLUMNS.has(n)).map((n) => ({ name: n, log: columnSpec(n).log })));
  }

  private grow(need: number): void {
    if (need <= this.capacity) return;
    const next = Math.max(need, this.capacity * 2);
    // No fill: rows past `length` are written before they are read (append fills a column a chunk lacks).
    for (const [c, values] of Object.entries(this.columns)) {
      const a = new Float64Array(next);
      a.set(values.subarray(0, this.length));
      this.columns[c] = a;
    }
    this.capacity = next;
    if (this.theta && this.thetaDim) {
      const t = new Float64Array(next * this.thetaDim);
      t.set(this.theta.subarray(0, this.length * this.thetaDim));
      this.theta = t;
    }
  }

  append(c: TraceChunk): void {
    if (c.thetaDim && c.theta && this.thetaDim === undefined && this.length === 0) {
      this.thetaDim = c.thetaDim;
      this.theta = new Float64Array(this.capacity * c.thetaDim).fill(NaN);
    }
    this.adopt(c);
    this.grow(this.length + c.length);
    for (const [col, values] of Object.entries(this.columns)) {
      const given = (c.columns as Record<string, Float64Array | undefined>)[col];
      if (given) values.set(given.subarray(0, c.length), this.length);
      else values.fill(NaN, this.length, this.length + c.length);
    }
    if (this.theta && this.thetaDim) {
      if (c.theta && c.thetaDim === this.thetaDim)
        this.theta.set(c.theta.subarray(0, c.length * this.thetaDim), this.length * this.thetaDim);
      else this.theta.fill(NaN, this.length * this.thetaDim, (this.length + c.length) * this.thetaDim);
    }
    this.length += c.length;
    this.evals.push(...c.evals);
    this.events.push(...c.events);
    this.buckets?.add({ length: c.length, step: c.columns.step, wallTime: c.columns.wallTime, values: c.columns });
    if (this.length > 3 * FULL_ROWS) {
      const kept = compact(this.view(), FULL_ROWS);
      for (const [col, values] of Object.entries(kept.columns)) this.columns[col]!.set(values.subarray(0, kept.length));
      if (this.theta && kept.theta) this.theta.set(kept.theta);
      this.length = kept.length;
    }
  }

  /** The rows so far as a chunk (views on the buffers: read it now, do not keep it). */
  view(): TraceChunk {
    const n = this.length;
    const columns = Object.fromEntries(Object.entries(this.columns).map(([c, v]) => [c, v.subarray(0, n)])) as unknown as TraceColumns;
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

/** Called for every trace imported from a bundle (persistence saves it; streamed chunks are saved by state/runs.ts). */
export function onTraceImported(listener: (runId: string, trace: TraceChunk) => void): () => void {
  importListeners.add(listener);
  return () => importListeners.delete(listener);
}

/** Adds a chunk to a run's trace, visible at once (state/runs.ts saves it first, when persistence is on). */
export function appendChunk(runId: string, chunk: TraceChunk): void {
  let t = traces.get(runId);
  if (!t) traces.set(runId, (t = new StoredTrace()));
  t.append(chunk);
  notify();
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
  notify();
}

export function subscribeTraces(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function tracesVersion(): number {
  return version;
}
