import { useEffect, useMemo, useState } from 'react';
import { useRuns } from '../../state/runs';
import type { ChartView } from './chartData';
import { ChartLegend } from './ChartLegend';
import { ChartOptions, type ChartSettings } from './ChartOptions';
import { setDerivedSource } from './derived';
import { MetricChart } from './MetricChart';
import { useBranchPick } from '../runs/branchPick';
import { SummaryTable } from './SummaryTable';
import { useChartRuns } from './useChartRuns';
import { useTunedRates } from './useTunedRates';

/**
 * The live charts: per run spec a colour, its seeds aggregated as the paper draws restarts (log-space mean
 * and min–max band), smoothed with a debiased EMA over a faint raw curve, at most ~2k points per series.
 * Traces are read outside React, a few times a second.
 */
export function Charts({ refreshMs = 500 }: { refreshMs?: number } = {}) {
  const { experimentSpecs, specs, charts, groups, growing, hasTest } = useChartRuns();
  const [o, setO] = useState<ChartSettings>({ xMode: 'step', logX: false, smoothing: 0.6, ignoreOutliers: false, paused: false });
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  // The paired-difference chart compares two run specs: by default the first two.
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
  // Live changes are not part of it: typing into α records a change per keystroke, and a full render of every
  // chart per keystroke is what this avoids; the charts read their change marks from `view.specs` when they next
  // render (the x axis grows in steps while runs train, and a run's end renders them).
  const structure = specs.map((r) => `${r.id}:${r.optimizer}`).join(',');
  const { xMode, smoothing } = o;
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
  const tuned = useTunedRates();
  // What the JSON bundle's derived curves are computed from (the paired difference, the tuned rates).
  useEffect(() => {
    setDerivedSource({ view, charts, tuned });
    return () => setDerivedSource(null);
  }, [view, charts, tuned]);
  return (
    <section aria-labelledby="charts-h" data-testid="charts">
      <h2 id="charts-h">Live charts</h2>
      <ChartOptions value={o} onChange={(p) => setO((s) => ({ ...s, ...p }))} ids={ids} pair={pair} onPair={setPairChoice} />
      <ChartLegend specs={specs} hidden={hidden} onHidden={setHidden} />
      <SummaryTable specs={specs} groups={groups} hasTest={hasTest} />
      <div className="chart-grid">
        {charts.map((spec, i) => (
          <MetricChart
            key={spec.id}
            spec={spec}
            slots={charts.length}
            view={view}
            slot={i}
            logX={o.logX}
            ignoreOutliers={o.ignoreOutliers}
            xLabel={xMode === 'time' ? 'seconds' : xMode}
            refreshMs={refreshMs}
            paused={o.paused}
            growing={growing}
            tuned={spec.id === 'effectiveLr' ? tuned : null}
            onPickX={pickX}
          />
        ))}
      </div>
    </section>
  );
}
