import { useEffect, useMemo, useState } from 'react';
import { optimizerLabel } from '../../optim/catalogue';
import { taskSpec } from '../../tasks/catalogue';
import type { RunSpec } from '../../state/experiment';
import { useLab } from '../../state/lab';
import { useRuns } from '../../state/runs';
import { useTuning } from '../../state/tuning';
import type { RunGroup, XMode, ChartView } from './chartData';
import { chartsFor } from './chartSpecs';
import { colorOf } from './colors';
import { setDerivedSource } from './derived';
import { MetricChart, type TunedRates } from './MetricChart';
import { useBranchPick } from '../runs/branchPick';

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
  const growing = useRuns((s) => s.order.some((id) => s.runs[id]!.status === 'running'));
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
  // The view changes with what is drawn, not with a setting typed into the builder (α applied live changes
  // every curve's label, not its data): each keystroke re-rendered every chart in one long task. The labels
  // are read from `view.specs` when the series are next computed (a few times a second while runs train).
  // (Set during render: the charts below compute their series in this same render.)
  const [current] = useState(() => ({ specs }));
  current.specs = specs;
  const structure = specs.map((r) => `${r.id}:${r.optimizer}`).join(',');
  const view = useMemo<ChartView>(
    () => ({
      groups,
      get specs() {
        return current.specs;
      },
      xMode,
      smoothing,
      hidden,
      pair: pairKey ? (pairKey.split('-') as [string, string]) : null,
    }),
    // `structure` stands for `specs` here (see above).
    [groups, structure, xMode, smoothing, hidden, pairKey, current], // eslint-disable-line react-hooks/exhaustive-deps
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
  // What the JSON bundle's derived curves are computed from (the paired difference, the tuned rates).
  useEffect(() => {
    setDerivedSource({ view, charts, tuned });
    return () => setDerivedSource(null);
  }, [view, charts, tuned]);
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
            growing={growing}
            tuned={spec.id === 'effectiveLr' ? tuned : null}
            onPickX={pickX}
          />
        ))}
      </div>
    </section>
  );
}
