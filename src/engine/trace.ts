/** The per-step columns of a trace, in the order they are stored and streamed. */
export const TRACE_COLUMNS = ['step', 'loss', 'effectiveLr', 'lossMin', 'gDotV', 'numerator', 'updateNorm', 'flags', 'wallTime'] as const;
export type TraceColumn = (typeof TRACE_COLUMNS)[number];

/** The optimizer diagnostics that become trace columns (the rest of the columns come from the loop). */
export const DIAGNOSTIC_COLUMNS = ['effectiveLr', 'lossMin', 'gDotV', 'numerator', 'updateNorm', 'flags'] as const;

/** A held-out evaluation at a step. */
export interface EvalPoint {
  readonly step: number;
  readonly epoch: number;
  readonly testLoss: number;
  readonly testAccuracy?: number;
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
  readonly columns: { readonly [K in TraceColumn]: Float64Array };
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
  const buffers = TRACE_COLUMNS.map((c) => chunk.columns[c].buffer as ArrayBuffer);
  if (chunk.theta) buffers.push(chunk.theta.buffer as ArrayBuffer);
  return buffers;
}

/** An empty chunk with room for n rows. */
export function allocChunk(n: number): TraceChunk {
  const columns = Object.fromEntries(TRACE_COLUMNS.map((c) => [c, new Float64Array(n).fill(NaN)])) as TraceChunk['columns'];
  return { columns, length: n, evals: [], events: [] };
}

/** Concatenates chunks (the CLI keeps whole traces this way). */
export function concatChunks(chunks: TraceChunk[]): TraceChunk {
  const n = chunks.reduce((a, c) => a + c.length, 0);
  const out = allocChunk(n);
  let at = 0;
  const dim = chunks.find((c) => c.thetaDim)?.thetaDim;
  if (dim) {
    out.theta = new Float64Array(n * dim).fill(NaN);
    out.thetaDim = dim;
  }
  for (const c of chunks) {
    for (const col of TRACE_COLUMNS) out.columns[col].set(c.columns[col].subarray(0, c.length), at);
    if (dim && c.theta && c.thetaDim === dim) out.theta!.set(c.theta.subarray(0, c.length * dim), at * dim);
    out.evals.push(...c.evals);
    out.events.push(...c.events);
    at += c.length;
  }
  return out;
}
