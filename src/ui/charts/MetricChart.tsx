import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { CartesianGrid, ComposedChart, ReferenceArea, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from '../../lib/series';
import { subscribeTraces, tracesVersion } from '../../state/traces';
import { changeMarks, domains, drawnFor, heldX, linearTicks, type ChartView } from './chartData';
import type { ChartSpec } from './chartSpecs';
import { exportPng, exportSvg } from './exportChart';
import { exportMeta } from './exportMeta';
import { SeriesLayer, type Drawn } from './SeriesLayer';

/**
 * Calls `onChange` when traces have changed, at most every `ms` (traces stream ~10×/s per run), in the time
 * slot `slot` of `slots`: the charts redraw one at a time, each in its own short task, instead of all in one
 * long task that would block input.
 */
function useTracesTick(ms: number, slot: number, slots: number, paused: boolean, onChange: () => void): void {
  const callback = useRef(onChange);
  useLayoutEffect(() => {
    callback.current = onChange;
  });
  useEffect(() => {
    if (paused) return;
    callback.current();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsub = subscribeTraces(() => {
      if (timer) return;
      const offset = (slot * ms) / slots;
      const wait = ms <= 0 ? 0 : ms - ((performance.now() - offset + ms) % ms);
      timer = setTimeout(() => {
        timer = null;
        callback.current();
      }, wait);
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
    };
  }, [ms, slot, slots, paused]);
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
  /** Whether any run is training (the x axis's right end then moves in coarser steps: heldX). */
  growing?: boolean;
  /** On the η chart: the learning rates of a finished tuning grid (a band) and the best of them (a dashed line). */
  tuned?: TunedRates | null;
  /** While a branch is being set up: a click on the plot picks the x under the pointer (in the x-axis's units). */
  onPickX?: ((x: number) => void) | null;
}

/** What the figure's data attributes say of the series drawn (tests and the chart bench read them). */
function figureData(version: number, drawn: readonly Drawn[], quality: boolean): Record<string, string> {
  const out: Record<string, string> = {
    version: String(version),
    points: String(drawn.reduce((a, d) => a + d.smooth.length, 0)),
    curves: String(drawn.length),
  };
  if (quality) out.overshoots = String(drawn.reduce((a, d) => a + d.raw.filter((p) => p.y <= 0).length, 0));
  return out;
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

/**
 * One live chart. Memoised: the page around it re-renders on every keystroke in the builder, and a chart's
 * render (recharts' axes and grid under it) is the dearest thing on the page.
 */
export const MetricChart = memo(function MetricChart({
  spec,
  slots,
  view,
  slot,
  logX,
  ignoreOutliers,
  xLabel,
  refreshMs,
  paused,
  growing = false,
  tuned = null,
  onPickX = null,
}: MetricChartProps) {
  // The series drawn, computed once per trace version (and per spec and view).
  const latest = useRef<{ spec: ChartSpec; view: ChartView; version: number; drawn: readonly Drawn[] } | null>(null);
  const drawnNow = (s: ChartSpec, v: ChartView): { version: number; drawn: readonly Drawn[] } => {
    const version = tracesVersion();
    const l = latest.current;
    if (l && l.spec === s && l.view === v && l.version === version) return l;
    latest.current = { spec: s, view: v, version, drawn: drawnFor(s, v) };
    return latest.current;
  };
  const [, rerender] = useState(0);
  const { version, drawn } = drawnNow(spec, view);
  // While runs train, the x axis's right end moves in coarser steps, with headroom, as the data grow (heldX).
  const yDomainOf = (d: readonly Drawn[]): [readonly [number, number], readonly [number, number]] => {
    const [xData, yData] = domains(d, spec.log, logX, ignoreOutliers);
    const x = heldX(xData, growing);
    return [x, spec.quality ? QUALITY_DOMAIN : tuned ? holding(yData, tuned.lo, tuned.hi, spec.log) : yData];
  };
  // Domains keep their identity while their values stand, so recharts redraws no axis, tick or grid line
  // when only the series moved.
  const [xNew, yNew] = useMemo(() => yDomainOf(drawn), [drawn, spec, logX, ignoreOutliers, tuned, growing]); // eslint-disable-line react-hooks/exhaustive-deps
  const xDomain = useStable(xNew);
  const yDomain = useStable(yNew);
  const xTicks = useMemo(() => (logX ? undefined : linearTicks(xDomain)), [logX, xDomain]);
  const yTicks = useMemo(() => (spec.log ? undefined : linearTicks(yDomain)), [spec.log, yDomain]);
  // Streaming: while the axes stand, newer series are painted onto the canvas in place (SeriesLayer's `live`)
  // and the figure's data attributes set directly, without a React render (that, with recharts' store
  // under it, was most of a redraw's cost and the main-thread's long tasks while runs train).
  const live = useRef<{ repaint: ((drawn: readonly Drawn[]) => boolean) | null }>({ repaint: null }).current;
  const ref = useRef<HTMLElement>(null);
  const shown = useRef({ x: xDomain, y: yDomain, empty: true, version });
  const onTraces = () => {
    const now = drawnNow(spec, view);
    if (now.version === shown.current.version) return;
    const [x, y] = yDomainOf(now.drawn);
    const same = (a: readonly number[], b: readonly number[]) => a[0] === b[0] && a[1] === b[1];
    const fig = ref.current;
    const isEmpty = now.drawn.every((d) => d.raw.length === 0);
    // Still nothing to draw (a chart of a metric no run records yet): only the version moves on.
    const stillEmpty = isEmpty && shown.current.empty;
    if (
      fig &&
      (stillEmpty ||
        (!shown.current.empty && !isEmpty && same(x, shown.current.x) && same(y, shown.current.y) && live.repaint?.(now.drawn)))
    ) {
      shown.current.version = now.version;
      Object.assign(fig.dataset, figureData(now.version, now.drawn, spec.quality === true));
    } else rerender((n) => n + 1);
  };
  useTracesTick(refreshMs, slot, slots, paused, onTraces);
  const xAxisLabel = useMemo(() => ({ value: xLabel, position: 'insideBottom' as const, offset: -8 }), [xLabel]);
  const empty = drawn.every((d) => d.raw.length === 0);
  // The data attributes are set here and by the streaming path alone (React would not rewrite one it last
  // rendered with the same value after the streaming path changed it).
  useLayoutEffect(() => {
    shown.current = { x: xDomain, y: yDomain, empty, version };
    if (ref.current) Object.assign(ref.current.dataset, figureData(version, drawn, spec.quality === true));
  });
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
  const svg = () => ref.current?.querySelector<SVGSVGElement>('svg.recharts-surface') ?? null;
  return (
    <figure ref={ref} className="chart" data-testid={`chart.${spec.id}`}>
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
                ticks={xTicks}
                allowDataOverflow
                tickFormatter={fmt}
                label={xAxisLabel}
              />
              <YAxis
                type="number"
                scale={spec.log ? 'log' : 'linear'}
                domain={yDomain}
                ticks={yTicks}
                allowDataOverflow
                tickFormatter={fmt}
                width={64}
              />
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
              {changeMarks(view).map((m) => (
                <ReferenceLine
                  key={`${m.text}@${m.x}`}
                  x={m.x}
                  stroke={m.color}
                  strokeDasharray="2 3"
                  className="live-change"
                  label={{ value: m.text, position: 'insideTopLeft', fontSize: 10, fill: m.textColor }}
                />
              ))}
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
                live={live}
              />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
});
