import { useMemo } from 'react';
import { COMMON_DIAGNOSTICS } from '../../optim/catalogue';
import { taskSpec } from '../../tasks/catalogue';
import { changeList } from '../../state/changes';
import type { RunSpec } from '../../state/experiment';
import { useLab } from '../../state/lab';
import { useRuns, type RunMeta } from '../../state/runs';
import type { RunGroup } from './chartData';
import { chartsFor } from './chartSpecs';

const WHEN_NON_ZERO = new Set(COMMON_DIAGNOSTICS.filter((d) => d.whenNonZero).map((d) => d.key));

/**
 * What the charts draw: the run specs (the experiment's, then its branches, which are curves of their own), the
 * charts they call for, and each spec's runs (one per seed). Selected by string keys, so that a setting typed into
 * the builder does not re-render the charts.
 */
export function useChartRuns() {
  const builderSpecs = useLab((s) => s.experiment.runs);
  // The runs on screen name themselves: each spec as its runs were started (their own records), never as the
  // builder reads now (a preset or an edit after a run must not relabel it); the builder's specs until a run exists.
  const recordedKey = useRuns((s) =>
    s.order
      .filter((id) => !s.runs[id]!.branch)
      .map((id) => {
        const r = s.runs[id]!;
        return JSON.stringify([r.specId, r.seed, r.config.optimizer, r.config.optimizerOptions, r.changes ?? [], r.overlay ?? null]);
      })
      .join('\n'),
  );
  const experimentSpecs = useMemo<readonly ShownSpec[]>(
    () => (recordedKey ? recordedSpecs(recordedKey.split('\n')) : builderSpecs),
    [recordedKey, builderSpecs],
  );
  const branchKey = useRuns((s) =>
    s.order
      .filter((id) => s.runs[id]!.branch)
      .map((id) => JSON.stringify([id, s.runs[id]!.config.optimizer, s.runs[id]!.config.optimizerOptions]))
      .join('\n'),
  );
  const specs = useMemo<ShownSpec[]>(
    () =>
      distinguish([
        ...experimentSpecs,
        ...(branchKey ? branchKey.split('\n') : []).map((line) => {
          const [id, optimizer, options] = JSON.parse(line) as [string, string, Record<string, number | string>];
          return { id, optimizer, options };
        }),
      ]),
    [experimentSpecs, branchKey],
  );
  // The task the runs on screen trained (a preset may have changed the builder's since), else the builder's.
  const builderTask = useLab((s) => s.experiment.task);
  const task = useRuns((s) => s.order.map((id) => s.runs[id]!).find((r) => !r.branch)?.config.task) ?? builderTask;
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
  return { experimentSpecs, specs, charts, groups, growing, hasTest: taskSpec(task)?.hasTest ?? true };
}

/** A curve's run spec as the charts name it: its settings, what varies between specs that share a name, its live changes. */
export interface ShownSpec extends RunSpec {
  /** The settings that tell it from another spec of the same optimizer ("learningRate 0.01"), if any. */
  readonly distinct?: string;
  /** Its runs' live changes, each with its step and seed ("α 0.15 → 0.3 at step 646 (seed 1)"). */
  readonly changes?: string;
  /** For an experiment from the history drawn beside this one: its title (its curves are dashed). */
  readonly overlay?: string;
}

/** The specs of the runs on screen, from their records (`recordedKey`'s lines), in the order their runs were started. */
function recordedSpecs(lines: readonly string[]): ShownSpec[] {
  const bySpec = new Map<
    string,
    {
      optimizer: string;
      options: Record<string, number | string>;
      changes: string[];
      marks: { step: number; text: string }[];
      overlay: string | null;
    }
  >();
  for (const line of lines) {
    const [specId, seed, optimizer, options, changes, overlay] = JSON.parse(line) as [
      string,
      number,
      string,
      Record<string, number | string>,
      NonNullable<RunMeta['changes']>,
      string | null,
    ];
    const spec = bySpec.get(specId) ?? { optimizer, options, changes: [], marks: [], overlay };
    for (const c of changeList(optimizer, options, changes)) {
      spec.changes.push(`${c.text} at step ${c.step} (seed ${seed})`);
      spec.marks.push({ step: c.step, text: `${c.text} (seed ${seed})` });
    }
    bySpec.set(specId, spec);
  }
  return [...bySpec].map(([id, s]) => ({
    id,
    optimizer: s.optimizer as RunSpec['optimizer'],
    options: s.options,
    ...(s.changes.length ? { changes: changesText(s.changes), marks: s.marks } : {}),
    ...(s.overlay !== null ? { overlay: s.overlay } : {}),
  }));
}

/** A spec's live changes in words: all of them when few, else how many and the last three. */
function changesText(changes: readonly string[]): string {
  return changes.length <= 3 ? changes.join('; ') : `${changes.length} changes, the last ${changes.slice(-3).join('; ')}`;
}

/** Specs that share an optimizer get the settings in which they differ ("Adam lr 0.01" beside "Adam lr 0.1"). */
export function distinguish(specs: readonly ShownSpec[]): ShownSpec[] {
  return specs.map((s) => {
    const same = specs.filter((o) => o.optimizer === s.optimizer);
    if (same.length < 2) return s;
    const keys = [...new Set(same.flatMap((o) => Object.keys(o.options)))].filter(
      (k) => new Set(same.map((o) => String(o.options[k]))).size > 1,
    );
    const distinct = keys.filter((k) => s.options[k] !== undefined).map((k) => `${k} ${String(s.options[k])}`);
    return distinct.length ? { ...s, distinct: distinct.join(', ') } : s;
  });
}
