/**
 * A trace's columns: the loop's own (`step`, `loss`, `wallTime`) and one per diagnostic the run's optimizer
 * declares (optim/catalogue.ts: `effectiveLr`, `updateNorm`, `flags`, then the rule's own, such as L4's
 * `lossMin`, `gDotV`, `numerator` or Polyak's `uncappedLr`, `capped`). Everything downstream (the trace store,
 * the step buckets, the charts, the run table, the exports) iterates the columns a chunk has.
 */
export interface TraceColumns {
  readonly step: Float64Array;
  readonly loss: Float64Array;
  /**
   * Milliseconds of training since the run started: the time spent evaluating on held-out data is left out
   * (AlgoPerf's "submission time"), so a run's time to a target does not depend on how often it was evaluated.
   */
  readonly wallTime: Float64Array;
  readonly [diagnostic: string]: Float64Array;
}

/** The columns of a run whose optimizer records `diagnostics`, in the order they are stored and exported. */
export const traceColumnNames = (diagnostics: readonly string[]): string[] => ['step', 'loss', ...diagnostics, 'wallTime'];

/** A chunk's column names, in order. */
export const columnNames = (c: { readonly columns: TraceColumns }): string[] => Object.keys(c.columns);

/** The names of several chunks' columns, each once, in the order they first appear. */
export function unionColumns(chunks: readonly { readonly columns: TraceColumns }[]): string[] {
  const seen = new Set<string>();
  for (const c of chunks) for (const n of Object.keys(c.columns)) seen.add(n);
  const names = [...seen].filter((n) => n !== 'wallTime');
  return seen.has('wallTime') ? [...names, 'wallTime'] : names;
}

/**
 * A held-out evaluation at a step. For an optimizer with its own evaluation point (Schedule-Free's x, DoG's
 * average) `testLoss`/`testAccuracy` are taken there, `at` names the point and `raw` holds the trained parameters'.
 */
export interface EvalPoint {
  readonly step: number;
  readonly epoch: number;
  readonly testLoss: number;
  readonly testAccuracy?: number;
  readonly at?: string;
  readonly raw?: { readonly testLoss: number; readonly testAccuracy?: number };
}

/** A live hyperparameter change, applied from `step` on. */
export interface HyperEvent {
  readonly step: number;
  readonly patch: Readonly<Record<string, number>>;
}

/**
 * A block of consecutive trace rows. Columns are typed arrays, so a chunk can be transferred between
 * threads without copying. Missing diagnostics (lossMin for Adam, say) are NaN.
 */
export interface TraceChunk {
  readonly columns: TraceColumns;
  readonly length: number;
  readonly evals: EvalPoint[];
  readonly events: HyperEvent[];
  /**
   * For tiny tasks (≤ 4 parameters, e.g. the 2-D functions) the parameters after each step, row-major
   * (length × thetaDim), so that trajectories can be drawn.
   */
  theta?: Float64Array;
  thetaDim?: number;
}

/** The buffers of a chunk, for `postMessage(msg, transfer)`. */
export function transferables(chunk: TraceChunk): ArrayBuffer[] {
  const buffers = Object.values(chunk.columns).map((c) => c.buffer as ArrayBuffer);
  if (chunk.theta) buffers.push(chunk.theta.buffer as ArrayBuffer);
  return buffers;
}

/** An empty chunk (every value NaN) with room for n rows of the named columns. */
export function allocChunk(n: number, names: readonly string[]): TraceChunk {
  const diagnostics = names.filter((c) => c !== 'step' && c !== 'loss' && c !== 'wallTime');
  const columns = Object.fromEntries(
    traceColumnNames(diagnostics).map((c) => [c, new Float64Array(n).fill(NaN)]),
  ) as unknown as TraceColumns;
  return { columns, length: n, evals: [], events: [] };
}

/** Concatenates chunks (the CLI keeps whole traces this way). */
export function concatChunks(chunks: TraceChunk[]): TraceChunk {
  const n = chunks.reduce((a, c) => a + c.length, 0);
  const out = allocChunk(n, unionColumns(chunks));
  let at = 0;
  const dim = chunks.find((c) => c.thetaDim)?.thetaDim;
  if (dim) {
    out.theta = new Float64Array(n * dim).fill(NaN);
    out.thetaDim = dim;
  }
  for (const c of chunks) {
    for (const [col, values] of Object.entries(c.columns)) out.columns[col]!.set(values.subarray(0, c.length), at);
    if (dim && c.theta && c.thetaDim === dim) out.theta!.set(c.theta.subarray(0, c.length * dim), at * dim);
    out.evals.push(...c.evals);
    out.events.push(...c.events);
    at += c.length;
  }
  return out;
}

/** The rows of a chunk picked by index (columns, θ), with all its evaluations and events. */
export function selectRows(c: TraceChunk, rows: ArrayLike<number>): TraceChunk {
  const out = allocChunk(rows.length, columnNames(c));
  for (const [col, src] of Object.entries(c.columns)) {
    const dst = out.columns[col]!;
    for (let i = 0; i < rows.length; i++) dst[i] = src[rows[i]!]!;
  }
  if (c.theta && c.thetaDim) {
    const d = c.thetaDim;
    out.theta = new Float64Array(rows.length * d);
    out.thetaDim = d;
    for (let i = 0; i < rows.length; i++) out.theta.set(c.theta.subarray(rows[i]! * d, rows[i]! * d + d), i * d);
  }
  out.evals.push(...c.evals);
  out.events.push(...c.events);
  return out;
}

/**
 * Bounds a long trace: the most recent `keep` rows stay at full resolution; older rows are thinned to at most
 * `keep` by an even stride (the charts show ~400 points per series, so nothing visible is lost). Evaluations
 * and hyperparameter events are always kept whole.
 */
export function compact(c: TraceChunk, keep: number): TraceChunk {
  if (c.length <= 2 * keep) return c;
  const old = c.length - keep;
  const stride = Math.ceil(old / keep);
  const rows: number[] = [];
  for (let i = 0; i < old; i += stride) rows.push(i);
  for (let i = old; i < c.length; i++) rows.push(i);
  return selectRows(c, rows);
}

/** The rows of a chunk before step `step` (by the step column, so it works on compacted traces too). */
export function beforeStep(c: TraceChunk, step: number): TraceChunk {
  const rows: number[] = [];
  for (let i = 0; i < c.length; i++) if (c.columns.step[i]! < step) rows.push(i);
  const out = selectRows(c, rows);
  out.evals.splice(0, out.evals.length, ...c.evals.filter((e) => e.step <= step));
  out.events.splice(0, out.events.length, ...c.events.filter((e) => e.step < step));
  return out;
}
