import { useMemo } from 'react';
import { COMMON_DIAGNOSTICS } from '../../optim/catalogue';
import { taskSpec } from '../../tasks/catalogue';
import type { RunSpec } from '../../state/experiment';
import { useLab } from '../../state/lab';
import { useRuns } from '../../state/runs';
import type { RunGroup } from './chartData';
import { chartsFor } from './chartSpecs';

const WHEN_NON_ZERO = new Set(COMMON_DIAGNOSTICS.filter((d) => d.whenNonZero).map((d) => d.key));

/**
 * What the charts draw: the run specs (the experiment's, then its branches, which are curves of their own), the
 * charts they call for, and each spec's runs (one per seed). Selected by string keys, so that a setting typed into
 * the builder does not re-render the charts.
 */
export function useChartRuns() {
  const experimentSpecs = useLab((s) => s.experiment.runs);
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
  // The diagnostics charted only once not zero (the skipped steps), as a key that changes when one becomes so.
  const nonZeroKey = useRuns((s) =>
    [
      ...new Set(
        s.order.flatMap((id) =>
          Object.entries(s.runs[id]!.last)
            .filter(([k, v]) => v !== 0 && WHEN_NON_ZERO.has(k))
            .map(([k]) => k),
        ),
      ),
    ]
      .sort()
      .join(','),
  );
  const charts = useMemo(
    () =>
      chartsFor(optimizersKey.split(','), taskSpec(task)?.hasTest ?? true, stepQuality, new Set(nonZeroKey ? nonZeroKey.split(',') : [])),
    [optimizersKey, task, stepQuality, nonZeroKey],
  );
  const runsKey = useRuns((s) => s.order.map((id) => `${id}:${s.runs[id]!.specId}:${s.runs[id]!.stepsPerEpoch}`).join(','));
  const growing = useRuns((s) => s.order.some((id) => s.runs[id]!.status === 'running'));
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
  return { experimentSpecs, specs, charts, groups, growing };
}
