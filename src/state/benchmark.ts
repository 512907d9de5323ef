/**
 * An opened benchmark report (`lab benchmark`'s benchmark.json): its performance profiles, AlgoPerf's scores and per-task tables,
 * checked as data (nothing in it is executed) with a sentence for whatever is wrong.
 */
import { create } from 'zustand';
import type { DivergedRun } from '../lib/divergence';
import { algoperfScoreOf, type BenchmarkResult, type EntryResult, type Profile, type TaskResult } from '../lib/perfProfile';
import { isObject } from '../lib/isObject';

export const BENCHMARK_KIND = 'l4-lab-benchmark';

export class BenchmarkError extends Error {
  constructor(message: string) {
    super(`This is not a valid benchmark report: ${message}`);
    this.name = 'BenchmarkError';
  }
}

const numOrNull = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x));

function profileOf(x: unknown, what: string): Profile {
  if (!isObject(x) || !Array.isArray(x.taus) || !x.taus.every((t) => typeof t === 'number' && t >= 1) || !isObject(x.rho))
    throw new BenchmarkError(`its ${what} profile needs "taus" (numbers ≥ 1) and "rho".`);
  const taus = x.taus as number[];
  for (const [e, r] of Object.entries(x.rho))
    if (!Array.isArray(r) || r.length !== taus.length || !r.every((v) => typeof v === 'number' && v >= 0 && v <= 1))
      throw new BenchmarkError(`its ${what} profile of "${e}" must hold ${taus.length} fractions in [0, 1].`);
  return { taus, rho: x.rho as Record<string, number[]> };
}

function entryOf(x: unknown, where: string): EntryResult {
  if (!isObject(x) || typeof x.entry !== 'string' || typeof x.config !== 'string')
    throw new BenchmarkError(`${where} needs an "entry" and a "config".`);
  for (const k of ['stepsToTarget', 'secondsToTarget', 'finalLoss', 'bestLoss'] as const)
    if (!numOrNull(x[k])) throw new BenchmarkError(`${where}: "${k}" must be a number or null.`);
  if (x.finalValue !== undefined && !numOrNull(x.finalValue)) throw new BenchmarkError(`${where}: "finalValue" must be a number or null.`);
  for (const k of ['seeds', 'diverged'] as const)
    if (!(typeof x[k] === 'number' && Number.isInteger(x[k]) && (x[k] as number) >= 0))
      throw new BenchmarkError(`${where}: "${k}" must be a count.`);
  return x as unknown as EntryResult;
}

/** Parses and checks a benchmark report. */
export function readBenchmarkReport(text: string): BenchmarkResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BenchmarkError(`it is not JSON (${(e as Error).message}).`);
  }
  if (!isObject(raw) || raw.kind !== BENCHMARK_KIND) throw new BenchmarkError(`its "kind" is not "${BENCHMARK_KIND}".`);
  if (raw.v !== 1) throw new BenchmarkError(`its version ${String(raw.v)} is not 1.`);
  const r = raw.result;
  if (!isObject(r) || !Array.isArray(r.tasks)) throw new BenchmarkError('it has no list of tasks.');
  const tasks: TaskResult[] = r.tasks.map((t: unknown, i) => {
    const where = `task ${i + 1}`;
    if (!isObject(t) || typeof t.task !== 'string' || !numOrNull(t.target) || !Array.isArray(t.entries))
      throw new BenchmarkError(`${where} needs a "task", a "target" and "entries".`);
    return {
      task: t.task,
      target: t.target,
      targetBy: typeof t.targetBy === 'string' ? t.targetBy : null,
      ...(typeof t.fixedTarget === 'string' && { fixedTarget: t.fixedTarget }),
      entries: t.entries.map((e: unknown, k) => entryOf(e, `${where} (${t.task}), entry ${k + 1}`)),
    };
  });
  const diverged = Array.isArray(r.divergedRuns)
    ? r.divergedRuns.flatMap((d): DivergedRun[] =>
        isObject(d) && typeof d.task === 'string' && typeof d.config === 'string' && typeof d.seed === 'number'
          ? [{ task: d.task, config: d.config, seed: d.seed, ...(typeof d.reason === 'string' && { reason: d.reason }) }]
          : [],
      )
    : [];
  return {
    tasks,
    profileSteps: profileOf(r.profileSteps, 'steps'),
    profileSeconds: profileOf(r.profileSeconds, 'time'),
    // Recomputed from the tasks' times (a report written before the score existed has them too).
    scoreSteps: algoperfScoreOf(tasks, 'steps'),
    scoreSeconds: algoperfScoreOf(tasks, 'seconds'),
    divergedRuns: diverged,
  };
}

interface BenchmarkState {
  readonly report: BenchmarkResult | null;
  readonly name: string;
  open(report: BenchmarkResult, name: string): void;
  close(): void;
}

export const useBenchmark = create<BenchmarkState>((set) => ({
  report: null,
  name: '',
  open: (report, name) => set({ report, name }),
  close: () => set({ report: null, name: '' }),
}));
