import { useEffect, useMemo, useRef, useState } from 'react';
import { CartesianGrid, ComposedChart, ReferenceArea, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from '../../lib/series';
import { optimizerLabel } from '../../optim/catalogue';
import { taskSpec } from '../../tasks/catalogue';
import type { RunSpec } from '../../state/experiment';
import { useLab } from '../../state/lab';
import { useRuns } from '../../state/runs';
import { useTuning } from '../../state/tuning';
import { subscribeTraces, tracesVersion } from '../../state/traces';
import { domains, drawnFor, type ChartView, type RunGroup, type XMode } from './chartData';
import { chartsFor, type ChartSpec } from './chartSpecs';
import { colorOf } from './colors';
import { exportPng, exportSvg } from './exportChart';
import { exportMeta } from './exportMeta';
import { SeriesLayer } from './SeriesLayer';
import { useBranchPick } from '../runs/branchPick';

/**
 * Re-renders when traces change, at most every `ms` (traces stream ~10×/s per run), in the time slot
 * `slot` of `slots`: the charts redraw one at a time, each in its own short task, instead of all in one
 * long task that would block input.
 */
function useTracesVersion(ms: number, slot: number, slots: number, paused: boolean): number {
  const [v, setV] = useState(tracesVersion());
  useEffect(() => {
    if (paused) return;
    setV(tracesVersion());
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsub = subscribeTraces(() => {
      if (timer) return;
      const offset = (slot * ms) / slots;
      const wait = ms <= 0 ? 0 : ms - ((performance.now() - offset + ms) % ms);
      timer = setTimeout(() => {
        timer = null;
        setV(tracesVersion());
      }, wait);
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
    };
  }, [ms, slot, slots, paused]);
  return v;
}

/** Axis numbers: 3 significant digits, exponents for very large or small values. */
const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

/** The previous value while the new one is equal element by element. */
function useStable<T extends readonly number[]>(value: T): T {
  const ref = useRef(value);
  if (ref.current.length !== value.length || ref.current.some((v, i) => v !== value[i])) ref.current = value;
  return ref.current;
}

interface MetricChartProps {
  spec: ChartSpec;
  slots: number;
  view: ChartView;
  slot: number;
  logX: boolean;
  ignoreOutliers: boolean;
  xLabel: string;
  refreshMs: number;
  paused: boolean;
  /** On the η chart: the learning rates of a finished tuning grid (a band) and the best of them (a dashed line). */
  tuned?: TunedRates | null;
  /** While a branch is being set up: a click on the plot picks the x under the pointer (in the x-axis's units). */
  onPickX?: ((x: number) => void) | null;
}

/** A finished tuning grid's rates, as the η chart shows them beside L4's η ("L4 discovers a schedule"). */
export interface TunedRates {
  readonly lo: number;
  readonly hi: number;
  readonly best: number;
  /** The run spec the grid tuned. */
  readonly spec: string;
}

/** The step-quality chart's fixed axis: overshoots below 0 are shaded; wilder ones leave the plot. */
const QUALITY_DOMAIN: readonly [number, number] = [-1, 1.5];
const OVERSHOOT_LABEL = { value: 'overshoot (the loss rose)', position: 'insideBottomLeft' as const, fontSize: 11, fill: '#a04000' };
const LINEAR_LABEL = { value: 'linear (undershoot: a larger step would do)', position: 'insideTopLeft' as const, fontSize: 11 };

/** The y domain widened to hold [lo, hi] (whole decades on a log axis). */
function holding(d: readonly [number, number], lo: number, hi: number, log: boolean): [number, number] {
  const a = Math.min(d[0], log ? 10 ** Math.floor(Math.log10(lo)) : lo);
  const b = Math.max(d[1], log ? 10 ** Math.ceil(Math.log10(hi)) : hi);
  return [a, b];
}

function MetricChart({
  spec,
  slots,
  view,
  slot,
  logX,
  ignoreOutliers,
  xLabel,
  refreshMs,
  paused,
  tuned = null,
  onPickX = null,
}: MetricChartProps) {
  const version = useTracesVersion(refreshMs, slot, slots, paused);
  // `version` changes whenever chunks have arrived.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const drawn = useMemo(() => drawnFor(spec, view), [spec, view, version]);
  // Domains keep their identity while their values stand, so recharts redraws no axis, tick or grid line
  // when only the series moved.
  const [xNew, yData] = useMemo(() => domains(drawn, spec.log, logX, ignoreOutliers), [drawn, spec.log, logX, ignoreOutliers]);
  const yNew: readonly [number, number] = spec.quality ? QUALITY_DOMAIN : tuned ? holding(yData, tuned.lo, tuned.hi, spec.log) : yData;
  const xDomain = useStable(xNew);
  const yDomain = useStable(yNew);
  const xAxisLabel = useMemo(() => ({ value: xLabel, position: 'insideBottom' as const, offset: -8 }), [xLabel]);
  const empty = drawn.every((d) => d.raw.length === 0);
  // Keyboard reading: arrow keys step a cursor through the points (shift: ten at a time), Home/End jump
  // (End stays on the newest point while data streams in), Escape hides it.
  const [cursor, setCursor] = useState<number | 'end' | null>(null);
  const xs = drawn.reduce<readonly SeriesPoint[]>((a, d) => (d.smooth.length > a.length ? d.smooth : a), []);
  const last = xs.length - 1;
  const at = cursor === null || xs.length === 0 ? null : cursor === 'end' ? last : Math.min(cursor, last);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (xs.length === 0) return;
    const step = e.shiftKey ? 10 : 1;
    const next =
      e.key === 'ArrowRight'
        ? Math.min(last, (at ?? -1) + step)
        : e.key === 'ArrowLeft'
          ? Math.max(0, (at ?? last + 1) - step)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? 'end'
              : e.key === 'Escape'
                ? null
                : undefined;
    if (next === undefined) return;
    e.preventDefault();
    setCursor(next === last && e.key === 'ArrowRight' ? 'end' : next);
  };
  const ref = useRef<HTMLElement>(null);
  const svg = () => ref.current?.querySelector<SVGSVGElement>('svg.recharts-surface') ?? null;
  return (
    <figure
      ref={ref}
      className="chart"
      data-testid={`chart.${spec.id}`}
      data-version={version}
      data-points={drawn.reduce((a, d) => a + d.smooth.length, 0)}
      data-curves={drawn.length}
      data-overshoots={spec.quality ? drawn.reduce((a, d) => a + d.raw.filter((p) => p.y <= 0).length, 0) : undefined}
    >
      <figcaption>
        {spec.title}{' '}
        <button
          type="button"
          disabled={empty}
          aria-label={`Export ${spec.id} chart as SVG`}
          onClick={() => svg() && exportSvg(svg()!, `l4-lab-${spec.id}`, exportMeta(spec, drawn, view))}
        >
          SVG
        </button>
        <button
          type="button"
          disabled={empty}
          aria-label={`Export ${spec.id} chart as PNG`}
          onClick={() => svg() && void exportPng(svg()!, `l4-lab-${spec.id}`, exportMeta(spec, drawn, view))}
        >
          PNG
        </button>
      </figcaption>
      {empty ? (
        <p className="empty">No data yet.</p>
      ) : (
        <div
          className="plot"
          tabIndex={0}
          role="group"
          aria-label={`${spec.title}: arrow keys read the values`}
          onKeyDown={onKeyDown}
          onBlur={() => setCursor(null)}
          data-picking={onPickX ? 'true' : undefined}
          onClick={(e) => {
            // The plot area is the grid's box; map the pointer's x back through the axis (linear or log).
            const grid = onPickX && e.currentTarget.querySelector('.recharts-cartesian-grid');
            if (!grid) return;
            const box = grid.getBoundingClientRect();
            const t = (e.clientX - box.left) / box.width;
            if (!(t >= 0 && t <= 1)) return;
            const [a, b] = xDomain;
            onPickX!(logX && a > 0 ? Math.exp(Math.log(a) + t * (Math.log(b) - Math.log(a))) : a + t * (b - a));
          }}
        >
          <ResponsiveContainer width="100%" height={220}>
            <ComposedChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
              <XAxis
                type="number"
                dataKey="x"
                scale={logX ? 'log' : 'linear'}
                domain={xDomain}
                allowDataOverflow
                tickFormatter={fmt}
                label={xAxisLabel}
              />
              <YAxis type="number" scale={spec.log ? 'log' : 'linear'} domain={yDomain} allowDataOverflow tickFormatter={fmt} width={64} />
              {spec.paired && <ReferenceLine y={0} stroke="#666" />}
              {spec.quality && (
                <ReferenceArea
                  y1={QUALITY_DOMAIN[0]}
                  y2={0}
                  fill="#d55e00"
                  fillOpacity={0.12}
                  className="overshoot"
                  label={OVERSHOOT_LABEL}
                />
              )}
              {spec.quality && <ReferenceLine y={0.5} stroke="#999" strokeDasharray="3 3" />}
              {spec.quality && <ReferenceLine y={1} stroke="#666" label={LINEAR_LABEL} />}
              {tuned && <ReferenceArea y1={tuned.lo} y2={tuned.hi} fill="#888" fillOpacity={0.12} className="tuned-band" />}
              {tuned && (
                <ReferenceLine
                  y={tuned.best}
                  stroke="#333"
                  strokeDasharray="6 3"
                  className="tuned-best"
                  label={{ value: `best tuned lr of ${tuned.spec}: ${fmt(tuned.best)}`, position: 'insideTopRight', fontSize: 11 }}
                />
              )}
              <SeriesLayer
                drawn={drawn}
                companionName={spec.companionName}
                format={fmt}
                xLabel={xLabel}
                xDomain={xDomain}
                yDomain={yDomain}
                logX={logX}
                logY={spec.log}
                cursorX={at === null ? null : xs[at]!.x}
              />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

/**
 * The live charts: per run spec a colour, its seeds aggregated as the paper draws restarts (log-space mean
 * and min–max band), smoothed with a debiased EMA over a faint raw curve, at most ~2k points per series.
 * Traces are read outside React, a few times a second.
 */
export function Charts({ refreshMs = 500 }: { refreshMs?: number } = {}) {
  const experimentSpecs = useLab((s) => s.experiment.runs);
  // Branches (state/branches.ts) are curves of their own after the experiment's runs (a string key: a stable selector).
  const branchKey = useRuns((s) =>
    s.order
      .filter((id) => s.runs[id]!.branch)
      .map((id) => JSON.stringify([id, s.runs[id]!.config.optimizer, s.runs[id]!.config.optimizerOptions]))
      .join('\n'),
  );
  const specs = useMemo<RunSpec[]>(
    () => [
      ...experimentSpecs,
      ...(branchKey ? branchKey.split('\n') : []).map((line) => {
        const [id, optimizer, options] = JSON.parse(line) as [string, string, Record<string, number | string>];
        return { id, optimizer, options };
      }),
    ],
    [experimentSpecs, branchKey],
  );
  const task = useLab((s) => s.experiment.task);
  const optimizersKey = specs.map((r) => r.optimizer).join(',');
  const stepQuality = useLab((s) => s.experiment.stepQuality === true);
  const charts = useMemo(
    () => chartsFor(optimizersKey.split(','), taskSpec(task)?.hasTest ?? true, stepQuality),
    [optimizersKey, task, stepQuality],
  );
  const runsKey = useRuns((s) => s.order.map((id) => `${id}:${s.runs[id]!.specId}:${s.runs[id]!.stepsPerEpoch}`).join(','));
  const [xMode, setXMode] = useState<XMode>('step');
  const [logX, setLogX] = useState(false);
  const [smoothing, setSmoothing] = useState(0.6);
  const [ignoreOutliers, setIgnoreOutliers] = useState(false);
  const [paused, setPaused] = useState(false);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const groups = useMemo(() => {
    const byRun = useRuns.getState().runs;
    const m = new Map<string, RunGroup>();
    for (const id of runsKey ? runsKey.split(',').map((x) => x.split(':')[0]!) : []) {
      const r = byRun[id];
      if (!r) continue;
      const g = m.get(r.specId) ?? { runIds: [], seeds: [], stepsPerEpoch: r.stepsPerEpoch };
      g.runIds.push(id);
      g.seeds.push(r.seed);
      m.set(r.specId, g);
    }
    return m;
  }, [runsKey]);
  // The paired-difference chart compares two run specs: by default the first two; picking the other one of the
  // pair on either side swaps them.
  const [pairChoice, setPairChoice] = useState<[string, string] | null>(null);
  const ids = experimentSpecs.map((r) => r.id);
  const pair: [string, string] | null =
    pairChoice && ids.includes(pairChoice[0]) && ids.includes(pairChoice[1]) && pairChoice[0] !== pairChoice[1]
      ? pairChoice
      : ids.length >= 2
        ? [ids[0]!, ids[1]!]
        : null;
  const pairKey = pair?.join('-') ?? '';
  const view = useMemo<ChartView>(
    () => ({ groups, specs, xMode, smoothing, hidden, pair: pairKey ? (pairKey.split('-') as [string, string]) : null }),
    [groups, specs, xMode, smoothing, hidden, pairKey],
  );
  const xLabel = xMode === 'time' ? 'seconds' : xMode;
  // While the branch panel is open, a click on a chart picks its step (state/branches.ts; not on a time axis).
  const branching = useBranchPick((s) => s.runId);
  const branchingPerEpoch = useRuns((s) => (branching ? (s.runs[branching]?.stepsPerEpoch ?? 1) : 1));
  const pickX = useMemo(
    () =>
      branching && xMode !== 'time'
        ? (x: number) => useBranchPick.getState().pick(Math.max(0, Math.round(xMode === 'epoch' ? x * branchingPerEpoch : x)))
        : null,
    [branching, xMode, branchingPerEpoch],
  );
  // "L4 discovers a schedule": a finished tuning grid's rates beside L4's η (a string key: a stable selector).
  const tunedKey = useTuning((t) => {
    const rates = t.results.filter((r) => r.final !== null && Number.isFinite(r.final)).map((r) => r.lr);
    return t.status === 'done' && t.best && rates.length
      ? `${Math.min(...rates)},${Math.max(...rates)},${t.best.lr},${t.specId ?? ''}`
      : '';
  });
  const tuned = useMemo<TunedRates | null>(() => {
    if (!tunedKey) return null;
    const [lo, hi, best, spec] = tunedKey.split(',');
    return { lo: Number(lo), hi: Number(hi), best: Number(best), spec: spec! };
  }, [tunedKey]);
  return (
    <section aria-labelledby="charts-h" data-testid="charts">
      <h2 id="charts-h">Live charts</h2>
      <p className="chart-options">
        <label>
          x-axis{' '}
          <select aria-label="x-axis" value={xMode} onChange={(e) => setXMode(e.target.value as XMode)}>
            <option value="step">step</option>
            <option value="epoch">epoch</option>
            <option value="time">wall time</option>
          </select>
        </label>{' '}
        <label>
          <input type="checkbox" checked={logX} onChange={(e) => setLogX(e.target.checked)} aria-label="log x-axis" /> log x
        </label>{' '}
        <label>
          smoothing{' '}
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            aria-label="smoothing"
            onChange={(e) => setSmoothing(Number(e.target.value))}
          />
        </label>{' '}
        <label>
          <input
            type="checkbox"
            checked={ignoreOutliers}
            onChange={(e) => setIgnoreOutliers(e.target.checked)}
            aria-label="ignore outliers"
          />{' '}
          ignore outliers
        </label>{' '}
        {pair && (
          <>
            <label>
              paired difference{' '}
              <select
                aria-label="paired difference A"
                value={pair[0]}
                onChange={(e) => setPairChoice(e.target.value === pair[1] ? [pair[1], pair[0]] : [e.target.value, pair[1]])}
              >
                {ids.map((id) => (
                  <option key={id}>{id}</option>
                ))}
              </select>
            </label>{' '}
            <label>
              vs{' '}
              <select
                aria-label="paired difference B"
                value={pair[1]}
                onChange={(e) => setPairChoice(e.target.value === pair[0] ? [pair[1], pair[0]] : [pair[0], e.target.value])}
              >
                {ids.map((id) => (
                  <option key={id}>{id}</option>
                ))}
              </select>
            </label>{' '}
          </>
        )}
        <label title="Freeze the charts (to read them while runs go on); training is not paused">
          <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} aria-label="pause charts" /> pause charts
        </label>
      </p>
      <p className="legend" aria-label="legend">
        {specs.map((rs, i) => (
          <label key={rs.id} style={{ color: colorOf(i) }}>
            <input
              type="checkbox"
              aria-label={`show run ${rs.id}`}
              checked={!hidden.has(rs.id)}
              onChange={(e) => {
                const next = new Set(hidden);
                if (e.target.checked) next.delete(rs.id);
                else next.add(rs.id);
                setHidden(next);
              }}
            />{' '}
            {rs.id}: {optimizerLabel(rs.optimizer, rs.options)}
          </label>
        ))}
      </p>
      <div className="chart-grid">
        {charts.map((spec, i) => (
          <MetricChart
            key={spec.id}
            spec={spec}
            slots={charts.length}
            view={view}
            slot={i}
            logX={logX}
            ignoreOutliers={ignoreOutliers}
            xLabel={xLabel}
            refreshMs={refreshMs}
            paused={paused}
            tuned={spec.id === 'effectiveLr' ? tuned : null}
            onPickX={pickX}
          />
        ))}
      </div>
    </section>
  );
}
