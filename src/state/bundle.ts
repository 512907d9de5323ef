import { allocChunk, unionColumns, type EvalPoint, type HyperEvent, type TraceChunk } from '../engine/trace';
import { toCsv } from '../lib/csv';
import { BUNDLE_EXPERIMENT_LIMITS, sanitizeExperiment, type Experiment } from './experiment';
import { lastRow, type RunMeta } from './runs';

export const BUNDLE_KIND = 'l4-lab-run-bundle';
export const BUNDLE_VERSION = 1;

/** What identifies a row of an exported CSV; the trace columns of every run follow (empty where a run has none). */
export const CSV_KEY_COLUMNS = ['run', 'spec', 'optimizer', 'seed'] as const;

/** One row per run and step: the key columns, then the union of the runs' trace columns. */
export function tracesToCsv(runs: RunMeta[], traceOf: (id: string) => TraceChunk | null): string {
  const traced = runs.map((r) => [r, traceOf(r.id)] as const).filter((x): x is readonly [RunMeta, TraceChunk] => x[1] !== null);
  const columns = unionColumns(traced.map(([, t]) => t));
  const rows: (string | number | undefined)[][] = [];
  for (const [r, t] of traced) {
    for (let i = 0; i < t.length; i++) rows.push([r.id, r.specId, r.config.optimizer, r.seed, ...columns.map((c) => t.columns[c]?.[i])]);
  }
  return toCsv([...CSV_KEY_COLUMNS, ...columns], rows);
}

interface BundleRun {
  id: string;
  specId: string;
  seed: number;
  optimizer: string;
  options: Record<string, number | string>;
  backend: string | null;
  fallbackReason: string | null;
  tfjs: string | null;
  adapter: string | null;
  status: string;
  divergedAt: number | null;
  /** Why the run diverged or failed, in words (absent in bundles written before it was recorded). */
  reason?: string | null;
  stepsPerEpoch: number;
  trace: Record<string, (number | null)[]>;
  evals: EvalPoint[];
  events: HyperEvent[];
  /** A branch: the run it continues and the checkpoint's step. */
  branch?: { from: string; step: number } | null;
}

/**
 * The JSON run bundle: config, seeds, every trace (branches too), the tfjs version, the backend (and why), the GPU
 * adapter, and the derived curves the charts show (`derived`: data only; an import recomputes them from the traces).
 */
export function makeBundle(
  experiment: Experiment,
  runs: RunMeta[],
  traceOf: (id: string) => TraceChunk | null,
  derived: Record<string, unknown> | null = null,
): string {
  const list: BundleRun[] = runs.map((r) => {
    const t = traceOf(r.id);
    return {
      id: r.id,
      specId: r.specId,
      seed: r.seed,
      optimizer: r.config.optimizer,
      options: { ...r.config.optimizerOptions },
      backend: r.backend,
      fallbackReason: r.fallbackReason,
      tfjs: r.tfjs,
      adapter: r.adapter,
      status: r.status,
      divergedAt: r.divergedAt,
      reason: r.reason,
      stepsPerEpoch: r.stepsPerEpoch,
      trace: t
        ? Object.fromEntries(Object.entries(t.columns).map(([c, v]) => [c, Array.from(v, (x) => (Number.isFinite(x) ? x : null))]))
        : { step: [], loss: [] },
      evals: t?.evals ?? [],
      events: t?.events ?? [],
      branch: r.branch ?? null,
    };
  });
  return JSON.stringify({
    kind: BUNDLE_KIND,
    version: BUNDLE_VERSION,
    exportedAt: new Date().toISOString(),
    experiment,
    runs: list,
    ...(derived ? { derived } : {}),
  });
}

export class BundleError extends Error {
  constructor(message: string) {
    super(`This is not a valid run bundle: ${message}`);
    this.name = 'BundleError';
  }
}

export interface ImportedRun {
  meta: Omit<RunMeta, 'errors'>;
  trace: TraceChunk;
}

const MAX_BUNDLE_BYTES = 200 * 1024 * 1024;

/** Parses and checks a bundle (data only: nothing in it is executed). */
export function readBundle(text: string): { experiment: Experiment; notices: string[]; runs: ImportedRun[] } {
  if (text.length > MAX_BUNDLE_BYTES) throw new BundleError(`it is ${text.length} bytes, over the ${MAX_BUNDLE_BYTES}-byte limit.`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BundleError(`it is not JSON (${(e as Error).message}).`);
  }
  const b = raw as Record<string, unknown>;
  if (!b || typeof b !== 'object' || b.kind !== BUNDLE_KIND) throw new BundleError(`its "kind" is not "${BUNDLE_KIND}".`);
  if (b.version !== BUNDLE_VERSION) throw new BundleError(`its version ${String(b.version)} is not ${BUNDLE_VERSION}.`);
  if (!Array.isArray(b.runs)) throw new BundleError('it has no list of runs.');
  const { experiment, notices } = sanitizeExperiment(b.experiment, BUNDLE_EXPERIMENT_LIMITS);
  const runs: ImportedRun[] = b.runs.map((item: unknown, i: number) => {
    const r = item as BundleRun;
    const where = `run ${i + 1}`;
    if (!r || typeof r !== 'object') throw new BundleError(`${where} is not an object.`);
    if (typeof r.id !== 'string' || !/^[\w.-]{1,40}$/.test(r.id)) throw new BundleError(`${where} has no valid id.`);
    if (!r.trace || typeof r.trace !== 'object') throw new BundleError(`${where} has no trace.`);
    const n = Array.isArray(r.trace.step) ? r.trace.step.length : -1;
    if (n < 0) throw new BundleError(`${where}'s trace has no step column.`);
    const names = Object.keys(r.trace).filter((c) => /^[A-Za-z][\w]{0,40}$/.test(c));
    const chunk = allocChunk(n, names);
    for (const c of names) {
      const col = r.trace[c];
      if (!Array.isArray(col) || col.length !== n) throw new BundleError(`${where}'s column "${c}" does not have ${n} values.`);
      col.forEach((v, k) => {
        if (v !== null && typeof v !== 'number') throw new BundleError(`${where}'s column "${c}" holds a non-number at row ${k}.`);
        chunk.columns[c]![k] = v === null ? NaN : v;
      });
    }
    const evals = Array.isArray(r.evals) ? r.evals.filter((e) => e && typeof e.step === 'number' && typeof e.testLoss === 'number') : [];
    chunk.evals.push(...evals);
    if (Array.isArray(r.events))
      chunk.events.push(...r.events.filter((e) => e && typeof e.step === 'number' && e.patch && typeof e.patch === 'object'));
    const last = n - 1;
    const lastEval = evals.at(-1);
    let best = Infinity;
    for (let k = 0; k < n; k++) if (chunk.columns.loss[k]! < best) best = chunk.columns.loss[k]!;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      meta: {
        id: r.id,
        specId: str(r.specId) ?? r.id,
        seed: typeof r.seed === 'number' ? r.seed : 0,
        config: {
          task: experiment.task,
          taskSettings: experiment.taskSettings,
          optimizer: str(r.optimizer) ?? 'unknown',
          optimizerOptions: r.options && typeof r.options === 'object' ? r.options : {},
          seed: typeof r.seed === 'number' ? r.seed : 0,
          steps: n,
        },
        status: 'imported',
        backend: (['webgpu', 'webgl', 'wasm', 'cpu'] as const).find((x) => x === r.backend) ?? null,
        fallbackReason: str(r.fallbackReason),
        tfjs: str(r.tfjs),
        adapter: str(r.adapter),
        description: '',
        stepsPerEpoch: typeof r.stepsPerEpoch === 'number' && r.stepsPerEpoch > 0 ? r.stepsPerEpoch : 1,
        step: n,
        last: lastRow(chunk),
        changes: [...chunk.events],
        ...(n > 0 ? { firstLoss: chunk.columns.loss[0]! } : {}),
        bestLoss: Number.isFinite(best) ? best : null,
        stepsPerSecond: null,
        testAccuracy: lastEval?.testAccuracy ?? null,
        testLoss: lastEval?.testLoss ?? null,
        divergedAt: typeof r.divergedAt === 'number' ? r.divergedAt : null,
        reason: str(r.reason),
        hyper: {},
        resumableFrom: null,
        ...(r.branch &&
        typeof r.branch === 'object' &&
        typeof r.branch.from === 'string' &&
        /^[\w.-]{1,40}$/.test(r.branch.from) &&
        Number.isInteger(r.branch.step) &&
        r.branch.step >= 0
          ? { branch: { from: r.branch.from, step: r.branch.step } }
          : {}),
      },
      trace: chunk,
    };
  });
  return { experiment, notices, runs };
}
