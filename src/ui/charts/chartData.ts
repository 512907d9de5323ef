import { nice, ticks } from 'd3-array';
import { aggregate, pairedDifference, type Aggregate, type StepBuckets } from '../../lib/buckets';
import { robustRange, smooth, smoothed, type SeriesPoint, type Smoothed } from '../../lib/series';
import { optimizerLabel } from '../../optim/catalogue';
import { bucketsOf, traceOf } from '../../state/traces';
import type { ChartSpec, EvalColumn } from './chartSpecs';
import { colorOf, textColorOf } from './colors';
import type { Drawn } from './SeriesLayer';

/**
 * What the charts draw, from the page's trace store: each run spec's seeds aggregated (log-space mean and
 * min–max band, from the step buckets), smoothed, on a step, epoch or wall-time axis, and the axes' domains.
 * Pure functions of the store; Charts.tsx draws them.
 */
export type XMode = 'step' | 'epoch' | 'time';

/** Test metrics of the seeds of a run spec, aggregated per evaluation (evaluations are few: no buckets). */
function evalSeries(runIds: string[], column: EvalColumn, xMode: XMode, log: boolean): SeriesPoint[] {
  const byStep = new Map<number, { x: number; vals: number[] }>();
  for (const id of runIds) {
    const t = traceOf(id);
    if (!t) continue;
    for (const e of t.evals) {
      const y = e[column];
      if (y === undefined || !Number.isFinite(y) || (log && y <= 0)) continue;
      const x = xMode === 'epoch' ? e.epoch : xMode === 'time' ? (t.columns.wallTime[Math.max(0, e.step - 1)] ?? NaN) / 1000 : e.step;
      const at = byStep.get(e.step) ?? { x, vals: [] };
      at.vals.push(log ? Math.log(y) : y);
      byStep.set(e.step, at);
    }
  }
  const g = log ? Math.exp : (v: number) => v;
  return [...byStep.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, { x, vals }]) => ({
      x,
      y: g(vals.reduce((a, v) => a + v, 0) / vals.length),
      lo: g(Math.min(...vals)),
      hi: g(Math.max(...vals)),
      n: vals.length,
    }));
}

/**
 * The last series computed per (runs, column, axis, scale), so that a redraw recomputes only the buckets that
 * chunks moved since (lib/buckets.ts `aggregate`) and carries the smoothing on from there (lib/series.ts
 * `smoothed`): with 8 runs of 100k steps streaming, aggregating and smoothing every series afresh was the
 * charts' largest cost per redraw. The least recently used entries go beyond a few hundred.
 */
const seriesCache = new Map<string, { agg: Aggregate; smooth?: Smoothed }>();
const CACHE_ENTRIES = 256;

/** A trace column of the seeds of a run spec, from their step buckets, and smoothed. */
function columnSeries(
  runIds: string[],
  column: string,
  xMode: XMode,
  stepsPerEpoch: number,
  log: boolean,
  beta: number,
): { raw: readonly SeriesPoint[]; smooth: readonly SeriesPoint[] } {
  const seeds = runIds.map(bucketsOf).filter((b): b is StepBuckets => b !== null);
  const key = [runIds.join(','), column, xMode, xMode === 'epoch' ? stepsPerEpoch : 1, log].join('\u0000');
  const prev = seriesCache.get(key);
  seriesCache.delete(key);
  const agg = aggregate(seeds, column, xMode === 'time' ? 'time' : 'step', log, prev?.agg, xMode === 'epoch' ? stepsPerEpoch : 1);
  const sm = smoothed(agg.points, beta, log, prev?.smooth);
  seriesCache.set(key, { agg, smooth: sm });
  if (seriesCache.size > CACHE_ENTRIES) seriesCache.delete(seriesCache.keys().next().value!);
  return { raw: agg.points, smooth: sm.points };
}

function seriesFor(
  g: RunGroup,
  column: string,
  evals: boolean,
  xMode: XMode,
  log: boolean,
  beta: number,
): { raw: readonly SeriesPoint[]; smooth: readonly SeriesPoint[] } {
  if (!evals) return columnSeries(g.runIds, column, xMode, g.stepsPerEpoch, log, beta);
  const raw = evalSeries(g.runIds, column as EvalColumn, xMode, log);
  return { raw, smooth: smooth(raw, beta, log) };
}

export interface RunGroup {
  readonly runIds: string[];
  /** The seed of each run, in the order of `runIds`. */
  readonly seeds: number[];
  readonly stepsPerEpoch: number;
}

/** A run spec as the charts name it (useChartRuns.ts: `ShownSpec`). */
export interface ShownSpecView {
  readonly id: string;
  readonly optimizer: string;
  readonly options?: Readonly<Record<string, unknown>>;
  /** The settings that tell it from another spec of the same optimizer. */
  readonly distinct?: string;
  /** Its runs' live changes, with their steps and seeds. */
  readonly changes?: string;
  /** The same changes as marks on the x axis: each its step and what changed. */
  readonly marks?: readonly { readonly step: number; readonly text: string }[];
  /** For an experiment from the history drawn beside this one: its title (drawn dashed, named "(history)"). */
  readonly overlay?: string;
}

/** The most live changes a spec marks on a chart: its latest (each mark is a recharts element to render). */
export const MAX_MARKS = 12;

/** The live changes as marks at their x (none on a wall-time axis, where a step has no one place across seeds). */
export function changeMarks(view: ChartView): { x: number; text: string; color: string; textColor: string }[] {
  if (view.xMode === 'time') return [];
  return view.specs.flatMap((s, i) =>
    view.hidden.has(s.id)
      ? []
      : (s.marks ?? []).slice(-MAX_MARKS).map((m) => ({
          x: view.xMode === 'epoch' ? m.step / (view.groups.get(s.id)?.stepsPerEpoch ?? 1) : m.step,
          text: `${s.id}: ${m.text}`,
          color: colorOf(i),
          textColor: textColorOf(i),
        })),
  );
}

/** A spec's name: its optimizer (and form), and what tells it from the others of the same optimizer. */
export const specName = (s: ShownSpecView): string =>
  `${optimizerLabel(s.optimizer, s.options)}${s.distinct ? ` ${s.distinct}` : ''}${s.overlay !== undefined ? ' (history, dashed)' : ''}`;

export interface ChartView {
  readonly groups: Map<string, RunGroup>;
  readonly specs: readonly ShownSpecView[];
  readonly xMode: XMode;
  readonly smoothing: number;
  readonly hidden: ReadonlySet<string>;
  /** The two run specs of the paired-difference chart (A, B), or null. */
  readonly pair?: readonly [string, string] | null;
}

/** A's and B's runs on the seeds both have, as (A, B) bucket pairs. */
function seedPairs(a: RunGroup, b: RunGroup): [StepBuckets, StepBuckets][] {
  const out: [StepBuckets, StepBuckets][] = [];
  a.seeds.forEach((seed, i) => {
    const j = b.seeds.indexOf(seed);
    if (j < 0) return;
    const ba = bucketsOf(a.runIds[i]!);
    const bb = bucketsOf(b.runIds[j]!);
    if (ba && bb) out.push([ba, bb]);
  });
  return out;
}

function pairedDrawn(spec: ChartSpec, view: ChartView): Drawn[] {
  const [ida, idb] = view.pair ?? [];
  const a = ida === undefined ? undefined : view.groups.get(ida);
  const b = idb === undefined ? undefined : view.groups.get(idb);
  if (!a || !b) return [];
  let pts = pairedDifference(seedPairs(a, b), spec.column, view.xMode === 'time' ? 'time' : 'step');
  if (view.xMode === 'epoch') pts = pts.map((p) => ({ ...p, x: p.x / a.stepsPerEpoch }));
  if (pts.length === 0) return [];
  const i = view.specs.findIndex((s) => s.id === ida);
  const label = (id: string) => {
    const s = view.specs.find((r) => r.id === id);
    return s ? `${id} (${specName(s)})` : id;
  };
  return [
    {
      specId: `${ida}-${idb}`,
      color: colorOf(Math.max(0, i)),
      name: `${label(ida!)} vs ${label(idb!)}`,
      raw: pts,
      smooth: smooth(pts, view.smoothing, false),
      companion: [],
    },
  ];
}

/** The series one chart draws, aggregated over seeds, bucketed and smoothed. */
export function drawnFor(spec: ChartSpec, view: ChartView): Drawn[] {
  if (spec.paired) return pairedDrawn(spec, view);
  const drawn: Drawn[] = [];
  view.specs.forEach((rs, i) => {
    const g = view.groups.get(rs.id);
    if (!g || view.hidden.has(rs.id)) return;
    const main = seriesFor(g, spec.column, spec.evals === true, view.xMode, spec.log, view.smoothing);
    const comp = spec.companion ? seriesFor(g, spec.companion, false, view.xMode, spec.log, view.smoothing).smooth : [];
    // Not frozen, though shared with the cache above (readonly by type): V8 slices and reads frozen arrays on a
    // slow path, which made the incremental aggregation, smoothing, domains and painting ~10× dearer.
    drawn.push({
      specId: rs.id,
      color: colorOf(i),
      name: `${rs.id}: ${specName(rs)}`,
      raw: main.raw,
      smooth: main.smooth,
      companion: comp,
      markers: spec.evals === true,
      ...(rs.overlay !== undefined ? { dashed: true } : {}),
    });
  });
  return drawn.filter((d) => d.raw.length > 0 || d.companion.length > 0);
}

/**
 * Axis ranges from the drawn points (the series are drawn by SeriesLayer, so recharts does not see them):
 * x from 0 (or the first positive x on a log axis) to the last point; y over every curve and band, or the
 * 2–98 % range when outliers are ignored. Log axes get whole decades, linear ones nice ends (`niceCeil`).
 */
export function domains(
  drawn: readonly Drawn[],
  logY: boolean,
  logX: boolean,
  ignoreOutliers: boolean,
): [[number, number], [number, number]] {
  let x0 = Infinity;
  let x1 = -Infinity;
  let lo = Infinity;
  let hi = -Infinity;
  const ys: number[] = [];
  const see = (v: number) => {
    if (!Number.isFinite(v) || (logY && v <= 0)) return;
    if (ignoreOutliers) ys.push(v);
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  };
  for (const d of drawn) {
    for (const list of [d.raw, d.smooth, d.companion]) {
      const band = list === d.smooth;
      for (const p of list) {
        if (Number.isFinite(p.x) && (!logX || p.x > 0)) {
          if (p.x < x0) x0 = p.x;
          if (p.x > x1) x1 = p.x;
        }
        see(p.y);
        if (band) {
          see(p.lo);
          see(p.hi);
        }
      }
    }
  }
  if (!(x1 >= x0)) [x0, x1] = logX ? [1, 10] : [0, 1];
  if (!logX) x0 = Math.min(0, x0);
  if (x1 === x0) x1 = logX ? x0 * 10 : x0 + 1;
  if (x1 > 0) x1 = niceCeil(x1);
  if (logX) x0 = 10 ** Math.floor(Math.log10(x0));
  let [y0, y1] = (ignoreOutliers ? robustRange(ys, 0.02) : hi >= lo ? [lo, hi] : null) ?? (logY ? [0.1, 1] : [0, 1]);
  if (logY) {
    // Whole decades, with a little tolerance: a series at exactly 0.01 averages (in log space) to 0.00999…,
    // and its axis must not flap between 0.001 and 0.01 from one redraw to the next.
    y0 = 10 ** Math.floor(Math.log10(y0) + 1e-9);
    y1 = 10 ** Math.ceil(Math.log10(y1) - 1e-9);
    if (y1 <= y0) y1 = y0 * 10;
  } else if (y1 > y0 && (y0 > 0 || y1 < 0) && y1 - y0 < Math.min(Math.abs(y0), Math.abs(y1))) {
    // Values far from 0 in a narrow range (test accuracy 0.954–0.969): the axis fits them, with nice ends a
    // little outside, rather than spending most of itself on the way to 0.
    const pad = (y1 - y0) * 0.1;
    [y0, y1] = nice(y0 - pad, y1 + pad, 5);
  } else {
    // Nice ends (as the x axis's): they move now and then, not with every new extreme, so a streaming redraw
    // mostly finds the axes standing (MetricChart paints the curves alone then).
    y0 = Math.min(0, y0);
    if (y0 < 0) y0 = -niceCeil(-y0);
    if (y1 > 0) y1 = niceCeil(y1);
    if (y1 <= y0) y1 = y0 + 1;
  }
  return [
    [x0, x1],
    [y0, y1],
  ];
}

/**
 * The smallest of `steps` (by default 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8) × 10^k at or above v (v > 0): an axis end
 * that moves only now and then.
 */
export function niceCeil(v: number, steps: readonly number[] = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8]): number {
  const e = 10 ** Math.floor(Math.log10(v));
  for (const m of steps) if (m * e >= v * (1 - 1e-12)) return m * e;
  return 10 * e;
}

/**
 * The x domain of a chart whose runs are still training: the right end goes up in steps of 1, 2, 5 × 10^k, so the
 * axes (and with them the chart's React render) change three times a decade of steps instead of ten (niceCeil's
 * steps), and the data fill 40–100 % of the axis. A function of the data's extent alone, so that every chart of the
 * same runs shows the same x axis. `x` is `domains`' tight domain; when nothing trains it is shown as it is.
 */
export function heldX(x: readonly [number, number], growing: boolean): readonly [number, number] {
  return growing && x[1] > 0 ? [x[0], niceCeil(x[1], [1, 2, 5])] : x;
}

/**
 * A linear axis's ticks: round numbers (1, 2, 5 × 10^k apart) inside its domain, about five (d3's). Recharts
 * divides a fixed domain evenly instead, which on [−0.6, 0.3] read −0.6, −0.35, −0.1, 0.15, 0.3. Log axes keep
 * recharts' ticks.
 */
export function linearTicks(domain: readonly [number, number]): number[] {
  return ticks(domain[0], domain[1], 5);
}
