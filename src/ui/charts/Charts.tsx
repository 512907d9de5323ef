import { useEffect, useMemo, useRef, useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TraceColumn } from '../../engine/trace';
import { aggregate, robustRange, smooth, type SeriesInput, type SeriesPoint } from '../../lib/series';
import { OPTIMIZER_TITLES } from '../../state/experiment';
import { useLab } from '../../state/lab';
import { useRuns } from '../../state/runs';
import { subscribeTraces, traceOf, tracesVersion } from '../../state/traces';
import { colorOf } from './colors';
import { exportPng, exportSvg } from './exportChart';

type XMode = 'step' | 'epoch' | 'time';

/** Points per series: about one per pixel of a chart's width; more only costs redraw time. */
const BUCKETS = 400;

interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Solid series, and an optional dashed companion (L_min with the loss, the numerator with gᵀv). */
  readonly column: TraceColumn | 'testAccuracy' | 'testLoss';
  readonly companion?: TraceColumn;
  readonly companionName?: string;
  readonly log: boolean;
}

const CHARTS: ChartSpec[] = [
  { id: 'loss', title: 'Training loss (dashed: L_min)', column: 'loss', companion: 'lossMin', companionName: 'L_min', log: true },
  { id: 'eta', title: 'Effective learning rate η', column: 'effectiveLr', log: true },
  { id: 'gdotv', title: 'gᵀv (dashed: numerator L − γ·L_min)', column: 'gDotV', companion: 'numerator', companionName: 'numerator', log: true },
  { id: 'testAccuracy', title: 'Test accuracy', column: 'testAccuracy', log: false },
  { id: 'testLoss', title: 'Test loss', column: 'testLoss', log: true },
];

/**
 * Re-renders when traces change, at most every `ms` (traces stream ~10×/s per run), in the time slot
 * `slot` of `slots`: the charts redraw one at a time, each in its own short task, instead of all in one
 * long task that would block input.
 */
function useTracesVersion(ms: number, slot: number, slots: number): number {
  const [v, setV] = useState(tracesVersion());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsub = subscribeTraces(() => {
      if (timer) return;
      const offset = (slot * ms) / slots;
      const wait = ms - ((performance.now() - offset + ms) % ms);
      timer = setTimeout(() => {
        timer = null;
        setV(tracesVersion());
      }, wait);
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
    };
  }, [ms, slot, slots]);
  return v;
}

interface Drawn {
  readonly specId: string;
  readonly color: string;
  readonly name: string;
  readonly raw: SeriesPoint[];
  readonly smooth: SeriesPoint[];
  readonly companion: SeriesPoint[];
}

function seriesOf(runIds: string[], column: ChartSpec['column'], xMode: XMode, stepsPerEpoch: number): SeriesInput[] {
  const out: SeriesInput[] = [];
  for (const id of runIds) {
    const t = traceOf(id);
    if (!t) continue;
    if (column === 'testAccuracy' || column === 'testLoss') {
      const evals = t.evals.filter((e) => e[column] !== undefined);
      const x = evals.map((e) => (xMode === 'epoch' ? e.epoch : xMode === 'time' ? (t.columns.wallTime[Math.max(0, e.step - 1)] ?? NaN) / 1000 : e.step));
      out.push({ x, y: evals.map((e) => e[column] as number), length: evals.length });
      continue;
    }
    const x = xMode === 'step' ? t.columns.step : xMode === 'epoch' ? t.columns.step.map((s) => s / stepsPerEpoch) : t.columns.wallTime.map((w) => w / 1000);
    out.push({ x, y: t.columns[column], length: t.length });
  }
  return out;
}

interface ChartView {
  readonly groups: Map<string, { runIds: string[]; stepsPerEpoch: number }>;
  readonly specs: readonly { id: string; optimizer: keyof typeof OPTIMIZER_TITLES }[];
  readonly xMode: XMode;
  readonly smoothing: number;
  readonly hidden: ReadonlySet<string>;
}

/** The series one chart draws, aggregated over seeds, bucketed and smoothed. */
function drawnFor(spec: ChartSpec, view: ChartView): Drawn[] {
  const drawn: Drawn[] = [];
  view.specs.forEach((rs, i) => {
    const g = view.groups.get(rs.id);
    if (!g || view.hidden.has(rs.id)) return;
    const agg = aggregate(seriesOf(g.runIds, spec.column, view.xMode, g.stepsPerEpoch), { log: spec.log, buckets: BUCKETS });
    const comp = spec.companion ? aggregate(seriesOf(g.runIds, spec.companion, view.xMode, g.stepsPerEpoch), { log: spec.log, buckets: BUCKETS }) : [];
    drawn.push({
      specId: rs.id,
      color: colorOf(i),
      name: `${rs.id}: ${OPTIMIZER_TITLES[rs.optimizer]}`,
      raw: agg,
      smooth: smooth(agg, view.smoothing, spec.log),
      companion: smooth(comp, view.smoothing, spec.log),
    });
  });
  return drawn.filter((d) => d.raw.length > 0 || d.companion.length > 0);
}

function MetricChart({ spec, view, slot, logX, ignoreOutliers, xLabel }: { spec: ChartSpec; view: ChartView; slot: number; logX: boolean; ignoreOutliers: boolean; xLabel: string }) {
  const version = useTracesVersion(500, slot, CHARTS.length);
  // `version` changes whenever chunks have arrived.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const drawn = useMemo(() => drawnFor(spec, view), [spec, view, version]);
  const ys = drawn.flatMap((d) => [...d.smooth.map((p) => p.y), ...d.companion.map((p) => p.y)]);
  const range = ignoreOutliers ? robustRange(ys, 0.02) : null;
  const empty = drawn.every((d) => d.raw.length === 0);
  const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));
  const ref = useRef<HTMLElement>(null);
  const svg = () => ref.current?.querySelector<SVGSVGElement>('svg.recharts-surface') ?? null;
  return (
    <figure ref={ref} className="chart" data-testid={`chart.${spec.id}`} data-points={drawn.reduce((a, d) => a + d.smooth.length, 0)}>
      <figcaption>
        {spec.title}{' '}
        <button type="button" disabled={empty} aria-label={`Export ${spec.id} chart as SVG`} onClick={() => svg() && exportSvg(svg()!, `l4-lab-${spec.id}`)}>
          SVG
        </button>
        <button type="button" disabled={empty} aria-label={`Export ${spec.id} chart as PNG`} onClick={() => svg() && void exportPng(svg()!, `l4-lab-${spec.id}`)}>
          PNG
        </button>
      </figcaption>
      {empty ? (
        <p className="empty">No data yet.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <ComposedChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
            <XAxis
              type="number"
              dataKey="x"
              scale={logX ? 'log' : 'auto'}
              domain={logX ? ['dataMin', 'dataMax'] : [0, 'dataMax']}
              allowDataOverflow
              tickFormatter={fmt}
              label={{ value: xLabel, position: 'insideBottom', offset: -8 }}
            />
            <YAxis
              type="number"
              scale={spec.log ? 'log' : 'auto'}
              domain={range ? [range[0], range[1]] : spec.log ? ['auto', 'auto'] : [0, 'auto']}
              allowDataOverflow
              tickFormatter={fmt}
              width={64}
            />
            <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v) : Array.isArray(v) ? v.map((x) => fmt(Number(x))).join(' – ') : String(v))} labelFormatter={(x) => `${xLabel} ${fmt(Number(x))}`} />
            {drawn.map((d) =>
              d.smooth.some((p) => p.n > 1) ? (
                <Area
                  key={`${d.specId}.band`}
                  data={d.smooth}
                  dataKey={(p: SeriesPoint) => [p.lo, p.hi]}
                  name={`${d.name} min–max`}
                  stroke="none"
                  fill={d.color}
                  fillOpacity={0.15}
                  isAnimationActive={false}
                />
              ) : null,
            )}
            {drawn.map((d) => (
              <Line key={`${d.specId}.raw`} data={d.raw} dataKey="y" name={`${d.name} (raw)`} stroke={d.color} strokeOpacity={0.25} dot={false} isAnimationActive={false} legendType="none" />
            ))}
            {drawn.map((d) => (
              <Line key={`${d.specId}.smooth`} data={d.smooth} dataKey="y" name={d.name} stroke={d.color} strokeWidth={2} dot={false} isAnimationActive={false} />
            ))}
            {drawn.map((d) =>
              d.companion.length ? (
                <Line
                  key={`${d.specId}.companion`}
                  data={d.companion}
                  dataKey="y"
                  name={`${d.name} ${spec.companionName}`}
                  stroke={d.color}
                  strokeDasharray="5 4"
                  dot={false}
                  isAnimationActive={false}
                />
              ) : null,
            )}
          </ComposedChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

/**
 * The live charts: per run spec a colour, its seeds aggregated as the paper draws restarts (log-space mean
 * and min–max band), smoothed with a debiased EMA over a faint raw curve, at most ~2k points per series.
 * Traces are read outside React, a few times a second.
 */
export function Charts() {
  const specs = useLab((s) => s.experiment.runs);
  const runsKey = useRuns((s) => s.order.map((id) => `${id}:${s.runs[id]!.specId}:${s.runs[id]!.stepsPerEpoch}`).join(','));
  const [xMode, setXMode] = useState<XMode>('step');
  const [logX, setLogX] = useState(false);
  const [smoothing, setSmoothing] = useState(0.6);
  const [ignoreOutliers, setIgnoreOutliers] = useState(false);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const groups = useMemo(() => {
    const byRun = useRuns.getState().runs;
    const m = new Map<string, { runIds: string[]; stepsPerEpoch: number }>();
    for (const id of runsKey ? runsKey.split(',').map((x) => x.split(':')[0]!) : []) {
      const r = byRun[id];
      if (!r) continue;
      const g = m.get(r.specId) ?? { runIds: [], stepsPerEpoch: r.stepsPerEpoch };
      g.runIds.push(id);
      m.set(r.specId, g);
    }
    return m;
  }, [runsKey]);
  const view = useMemo<ChartView>(() => ({ groups, specs, xMode, smoothing, hidden }), [groups, specs, xMode, smoothing, hidden]);
  const xLabel = xMode === 'time' ? 'seconds' : xMode;
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
          <input type="range" min={0} max={0.99} step={0.01} value={smoothing} aria-label="smoothing" onChange={(e) => setSmoothing(Number(e.target.value))} />
        </label>{' '}
        <label>
          <input type="checkbox" checked={ignoreOutliers} onChange={(e) => setIgnoreOutliers(e.target.checked)} aria-label="ignore outliers" /> ignore outliers
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
            {rs.id}: {OPTIMIZER_TITLES[rs.optimizer]}
          </label>
        ))}
      </p>
      <div className="chart-grid">
        {CHARTS.map((spec, i) => (
          <MetricChart key={spec.id} spec={spec} view={view} slot={i} logX={logX} ignoreOutliers={ignoreOutliers} xLabel={xLabel} />
        ))}
      </div>
    </section>
  );
}
