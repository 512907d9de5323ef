/**
 * The benchmark's analysis, pure numbers: per task a target set the AlgoPerf way (the lowest
 * loss the best tuned baseline reaches within the budget), each optimizer's steps and seconds to reach it, its
 * final and best loss, and across tasks a performance profile (Dolan & Moré 2002): for each optimizer, the
 * fraction of tasks it solves within a factor τ of the fastest.
 *
 * Losses are minibatch losses, so a run's curve is smoothed first: a trailing mean of log(loss) over a window of
 * 1/50 of the run. Seeds are then averaged in log space (the lab's seed aggregate). A configuration with a
 * diverged seed (divergence.ts: the engine stopped it, its last loss is not finite, or its last loss is 100× its
 * first) solves nothing and is reported; a skipped step a run went on from is a gap in its curve.
 */
import { divergedWhy, isDiverged, smoothLog, type DivergedRun } from './divergence';

/** One run of the benchmark. */
export interface BenchRun {
  readonly task: string;
  /** The optimizer entry of the spec it belongs to ("adam"; tuned entries have several configs). */
  readonly entry: string;
  /** Whether the entry is tuned over a grid (a baseline) or at its defaults. */
  readonly tuned: boolean;
  /** The grid point ("adam-learningRate=0.001"). */
  readonly config: string;
  readonly seed: number;
  readonly status: string;
  /** Why the engine stopped it, when it did ("50 steps in a row were skipped from step 12 on …"). */
  readonly reason?: string | null;
  readonly step: ArrayLike<number>;
  readonly loss: ArrayLike<number>;
  /** Milliseconds of training since the run started, per row. */
  readonly wallMs: ArrayLike<number>;
  /** A task with a fixed target on held-out data (AlgoPerf's way): the target, and the run's evaluations of that column. */
  readonly target?: { readonly above: number; readonly label: string };
  readonly evals?: readonly { readonly step: number; readonly value: number }[];
}

export interface EntryResult {
  readonly entry: string;
  readonly tuned: boolean;
  /** The config that counts: a tuned entry's best grid point, else its only one. */
  readonly config: string;
  readonly seeds: number;
  /** Seeds of this config that diverged. */
  readonly diverged: number;
  /** Steps until the seed-mean smoothed loss first reached the target; null when it never did. */
  readonly stepsToTarget: number | null;
  readonly secondsToTarget: number | null;
  /** The seed-mean smoothed loss at the end, and its lowest value. */
  readonly finalLoss: number | null;
  readonly bestLoss: number | null;
  /** A fixed-target task's column (test accuracy): the seed mean at the last evaluation. */
  readonly finalValue?: number | null;
}

export interface TaskResult {
  readonly task: string;
  readonly target: number | null;
  /** The tuned config that set the target. */
  readonly targetBy: string | null;
  /** A fixed target (AlgoPerf's way) in words; `target` is then its value on that column, not a loss. */
  readonly fixedTarget?: string;
  readonly entries: readonly EntryResult[];
}

export interface Profile {
  readonly taus: readonly number[];
  /** Per entry, the fraction of tasks solved within τ of the fastest, at each τ. */
  readonly rho: Readonly<Record<string, readonly number[]>>;
}

/**
 * AlgoPerf's score (mlcommons/algorithmic-efficiency, scoring/performance_profile.py): per task r = cost / the
 * normaliser (the fastest entry's cost, or a named reference entry's), r > 4 counted as never solved; ρ(τ) = the
 * share of tasks with r ≤ τ at 100 evenly spaced τ in [1, 4]; the score is the trapezoid integral of ρ over [1, 4]
 * divided by 3 (1: fastest on every task; 0: never within 4× of it).
 */
export interface AlgoPerfScore {
  /** The entry every task is normalised by, or null for the fastest entry per task. */
  readonly reference: string | null;
  readonly taus: readonly number[];
  readonly rho: Readonly<Record<string, readonly number[]>>;
  readonly score: Readonly<Record<string, number>>;
}

export interface BenchmarkResult {
  readonly tasks: readonly TaskResult[];
  readonly profileSteps: Profile;
  readonly profileSeconds: Profile;
  readonly scoreSteps: AlgoPerfScore;
  readonly scoreSeconds: AlgoPerfScore;
  /** Every diverged run: task, config, seed, and why it counts as diverged (`divergedWhy`). */
  readonly divergedRuns: readonly DivergedRun[];
}

export const PROFILE_TAUS = [1, 1.25, 1.5, 2, 3, 4, 6, 8, 16, 32] as const;

interface ConfigCurve {
  readonly entry: string;
  readonly tuned: boolean;
  readonly config: string;
  readonly runs: readonly BenchRun[];
  readonly diverged: number;
  /** Seed-mean smoothed log-loss per row (over the rows every seed has), or null if a seed diverged. */
  readonly curve: Float64Array | null;
}

function curveOf(runs: readonly BenchRun[]): Float64Array | null {
  if (runs.some(isDiverged)) return null;
  const n = Math.min(...runs.map((r) => r.loss.length));
  if (!(n > 0)) return null;
  const window = Math.max(1, Math.round(n / 50));
  const out = new Float64Array(n);
  for (const r of runs) {
    const s = smoothLog(r.loss, window);
    for (let i = 0; i < n; i++) out[i] = out[i]! + s[i]! / runs.length;
  }
  return out;
}

/** The lowest value of a curve, over its rows that have one (a row where a seed's window had no usable loss is NaN). */
const minOf = (c: Float64Array) => c.reduce((a, b) => (b < a ? b : a), Infinity);

function configCurves(runs: readonly BenchRun[]): ConfigCurve[] {
  const configs = new Map<string, BenchRun[]>();
  for (const r of runs) configs.set(r.config, [...(configs.get(r.config) ?? []), r]);
  return [...configs.entries()].map(([config, rs]) => ({
    entry: rs[0]!.entry,
    tuned: rs[0]!.tuned,
    config,
    runs: rs,
    diverged: rs.filter(isDiverged).length,
    curve: curveOf(rs),
  }));
}

/** The seed mean of a fixed-target column at each evaluation every seed has: [step, mean] pairs, in step order. */
function evalMeans(runs: readonly BenchRun[]): [number, number][] {
  const steps = runs.map((r) => new Map((r.evals ?? []).map((e) => [e.step, e.value])));
  const common = [...steps[0]!.keys()].filter((k) => steps.every((m) => m.has(k))).sort((a, b) => a - b);
  return common.map((k) => [k, steps.reduce((a, m) => a + m.get(k)!, 0) / runs.length]);
}

/**
 * A task with a fixed target on held-out data: a config reaches it at the first evaluation whose seed mean is
 * above it (AlgoPerf: the first evaluation past the target), after that many steps and the seeds' mean training
 * time to them; a diverged seed solves nothing. A tuned entry counts its config that gets there in the fewest
 * steps (none: its best final value).
 */
function analyzeFixedTargetTask(task: string, runs: readonly BenchRun[], target: { above: number; label: string }): TaskResult {
  const curves = configCurves(runs).map((c) => {
    const means = c.diverged ? [] : evalMeans(c.runs);
    const hit = means.find(([, v]) => v > target.above);
    const step = hit?.[0] ?? null;
    return {
      ...c,
      step,
      seconds: step === null ? null : c.runs.reduce((a, r) => a + r.wallMs[Math.max(0, step - 1)]!, 0) / c.runs.length / 1000,
      finalValue: means.length ? means[means.length - 1]![1] : null,
    };
  });
  const entries = [...new Set(curves.map((c) => c.entry))];
  const chosen = entries.map((e) =>
    curves
      .filter((c) => c.entry === e)
      .reduce((a, b) => {
        if (a.step !== null || b.step !== null) return (b.step ?? Infinity) < (a.step ?? Infinity) ? b : a;
        return (b.finalValue ?? -Infinity) > (a.finalValue ?? -Infinity) ? b : a;
      }),
  );
  return {
    task,
    target: target.above,
    targetBy: null,
    fixedTarget: target.label,
    entries: chosen.map((c) => ({
      entry: c.entry,
      tuned: c.tuned,
      config: c.config,
      seeds: c.runs.length,
      diverged: c.diverged,
      stepsToTarget: c.step,
      secondsToTarget: c.seconds,
      finalLoss: c.curve ? Math.exp(c.curve[c.curve.length - 1]!) : null,
      bestLoss: c.curve ? Math.exp(minOf(c.curve)) : null,
      finalValue: c.finalValue,
    })),
  };
}

function analyzeTask(task: string, runs: readonly BenchRun[]): TaskResult {
  const fixed = runs[0]?.target;
  if (fixed) return analyzeFixedTargetTask(task, runs, fixed);
  const curves = configCurves(runs);
  // Each entry's config that counts: a tuned entry's lowest-loss grid point.
  const entries = [...new Set(curves.map((c) => c.entry))];
  const chosen = entries.map((e) => {
    const mine = curves.filter((c) => c.entry === e);
    const ok = mine.filter((c) => c.curve);
    return ok.length ? ok.reduce((a, b) => (minOf(b.curve!) < minOf(a.curve!) ? b : a)) : mine[0]!;
  });
  const setters = chosen.some((c) => c.tuned) ? chosen.filter((c) => c.tuned) : chosen;
  const best = setters.filter((c) => c.curve).sort((a, b) => minOf(a.curve!) - minOf(b.curve!))[0];
  const logTarget = best ? minOf(best.curve!) : null;
  return {
    task,
    target: logTarget === null ? null : Math.exp(logTarget),
    targetBy: best?.config ?? null,
    entries: chosen.map((c) => {
      let at: number | null = null;
      if (c.curve && logTarget !== null) {
        // A tiny tolerance: the setter itself reaches the target at its own minimum despite rounding.
        const i = c.curve.findIndex((y) => y <= logTarget + 1e-12);
        at = i < 0 ? null : i;
      }
      const mean = (f: (r: BenchRun) => number) => c.runs.reduce((a, r) => a + f(r), 0) / c.runs.length;
      return {
        entry: c.entry,
        tuned: c.tuned,
        config: c.config,
        seeds: c.runs.length,
        diverged: c.diverged,
        stepsToTarget: at === null ? null : mean((r) => r.step[at!]!) + 1,
        secondsToTarget: at === null ? null : mean((r) => r.wallMs[at!]!) / 1000,
        finalLoss: c.curve ? Math.exp(c.curve[c.curve.length - 1]!) : null,
        bestLoss: c.curve ? Math.exp(minOf(c.curve)) : null,
      };
    }),
  };
}

/** Dolan–Moré: ρ_o(τ) = |{tasks: cost_o ≤ τ · min_o' cost_o'}| / |tasks|; unsolved costs are infinite. */
export function performanceProfile(
  costs: readonly Readonly<Record<string, number | null>>[],
  entries: readonly string[],
  taus: readonly number[] = PROFILE_TAUS,
): Profile {
  const rho: Record<string, number[]> = Object.fromEntries(entries.map((e) => [e, taus.map(() => 0)]));
  if (costs.length === 0) return { taus, rho };
  for (const task of costs) {
    const solved = entries.map((e) => task[e]).filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x));
    if (solved.length === 0) continue;
    const fastest = Math.min(...solved);
    for (const e of entries) {
      const c = task[e];
      if (c === null || c === undefined) continue;
      taus.forEach((tau, k) => {
        if (c <= tau * fastest * (1 + 1e-12)) rho[e]![k]! += 1 / costs.length;
      });
    }
  }
  return { taus, rho };
}

/** AlgoPerf's bounds: τ from 1 to 4 in 100 evenly spaced points; a ratio above 4 counts as never. */
export const ALGOPERF_MAX_TAU = 4;
export const ALGOPERF_POINTS = 100;

/**
 * AlgoPerf's score from per-task costs (null: not reached). With a `reference`, each task is divided by that entry's
 * cost, so adding an entry moves no other entry's score; a task the reference did not solve divides by ∞, as pandas
 * does in the official code: an entry that solved it has r = 0 (within every τ), one that did not has no ratio.
 */
export function algoperfScore(
  costs: readonly Readonly<Record<string, number | null>>[],
  entries: readonly string[],
  reference: string | null = null,
): AlgoPerfScore {
  if (reference !== null && !entries.includes(reference))
    throw new Error(`The reference "${reference}" is not among the benchmark's optimizers (${entries.join(', ')}).`);
  const taus = Array.from({ length: ALGOPERF_POINTS }, (_, k) => 1 + ((ALGOPERF_MAX_TAU - 1) * k) / (ALGOPERF_POINTS - 1));
  const rho: Record<string, number[]> = Object.fromEntries(entries.map((e) => [e, taus.map(() => 0)]));
  const cost = (task: Readonly<Record<string, number | null>>, e: string) => {
    const c = task[e];
    return c === null || c === undefined || !Number.isFinite(c) ? Infinity : c;
  };
  for (const task of costs) {
    const norm = reference !== null ? cost(task, reference) : Math.min(...entries.map((e) => cost(task, e)));
    for (const e of entries) {
      const c = cost(task, e);
      if (c === Infinity) continue;
      const r = norm === Infinity ? 0 : c / norm;
      if (r > ALGOPERF_MAX_TAU) continue;
      taus.forEach((tau, k) => {
        if (r <= tau) rho[e]![k]! += 1 / costs.length;
      });
    }
  }
  const score = Object.fromEntries(
    entries.map((e) => {
      const p = rho[e]!;
      let area = 0;
      for (let k = 1; k < taus.length; k++) area += ((p[k]! + p[k - 1]!) / 2) * (taus[k]! - taus[k - 1]!);
      return [e, costs.length ? area / (ALGOPERF_MAX_TAU - 1) : 0];
    }),
  );
  return { reference, taus, rho, score };
}

/** Per task, each entry's cost by steps or by seconds (null: not reached). */
export const taskCosts = (tasks: readonly TaskResult[], by: 'steps' | 'seconds'): Record<string, number | null>[] =>
  tasks.map((t) => Object.fromEntries(t.entries.map((e) => [e.entry, by === 'steps' ? e.stepsToTarget : e.secondsToTarget])));

/** AlgoPerf's score of every entry of the tasks, by steps or by seconds. */
export function algoperfScoreOf(tasks: readonly TaskResult[], by: 'steps' | 'seconds', reference: string | null = null): AlgoPerfScore {
  const entries = [...new Set(tasks.flatMap((t) => t.entries.map((e) => e.entry)))];
  return algoperfScore(taskCosts(tasks, by), entries, reference);
}

/** `reference`: the entry AlgoPerf's score normalises by (null: the fastest per task). */
export function analyzeBenchmark(runs: readonly BenchRun[], { reference = null }: { reference?: string | null } = {}): BenchmarkResult {
  const tasks = [...new Set(runs.map((r) => r.task))].map((t) =>
    analyzeTask(
      t,
      runs.filter((r) => r.task === t),
    ),
  );
  const entries = [...new Set(runs.map((r) => r.entry))];
  return {
    tasks,
    profileSteps: performanceProfile(taskCosts(tasks, 'steps'), entries),
    profileSeconds: performanceProfile(taskCosts(tasks, 'seconds'), entries),
    scoreSteps: algoperfScore(taskCosts(tasks, 'steps'), entries, reference),
    scoreSeconds: algoperfScore(taskCosts(tasks, 'seconds'), entries, reference),
    divergedRuns: runs.flatMap((r) => {
      const reason = divergedWhy(r);
      return reason === null ? [] : [{ task: r.task, config: r.config, seed: r.seed, reason }];
    }),
  };
}
