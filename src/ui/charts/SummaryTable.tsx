import { useMemo, useState } from 'react';
import { BASELINES } from '../../experiments';
import { shownDefaults } from '../../optim/catalogue';
import { defaultTarget, summarizeSpecs, type LogStat, type SpecSummary } from '../../state/summary';
import { useRuns } from '../../state/runs';
import { traceOf } from '../../state/traces';
import { specName, type RunGroup, type ShownSpecView } from './chartData';
import { MS_PER_STEP_TITLE, SortHeader, type SortState } from '../SortHeader';
import { textColorOf } from './colors';

const num = (x: number) =>
  x === 0 ? '0' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4 ? x.toExponential(2) : String(Number(x.toPrecision(3)));
const logStat = (s: LogStat | null) => (s ? `${num(s.mean)} [${num(s.min)}, ${num(s.max)}]` : '—');

type Column = 'spec' | 'seeds' | 'diverged' | 'final' | 'best' | 'accuracy' | 'target' | 'ms';

/** The value a column sorts by (smaller first; missing last). */
const sortValue = (s: SpecSummary, c: Column, order: number): number => {
  const v = {
    spec: order,
    seeds: s.runs,
    diverged: s.diverged,
    final: s.finalLoss?.mean,
    best: s.bestLoss?.mean,
    // Higher accuracy first.
    accuracy: s.testAccuracy ? -s.testAccuracy.mean : undefined,
    target: s.stepsToTarget?.mean ?? undefined,
    ms: s.msPerStep ?? undefined,
  }[c];
  return v === undefined || v === null || Number.isNaN(v) ? Infinity : v;
};

/**
 * "Who won", near the charts: per compared run spec, its final and best loss (log-space mean [min, max] over its
 * seeds, as the charts draw them), test accuracy (mean ± sd), the steps to a target loss (default: the best
 * baseline's final loss), ms per step and the diverged seeds; sortable by any column. Above it, how far the
 * experiment is: runs finished, and an estimate of the time left.
 */
export function SummaryTable({
  specs,
  groups,
  hasTest,
}: {
  specs: readonly ShownSpecView[];
  groups: ReadonlyMap<string, RunGroup>;
  hasTest: boolean;
}) {
  // The runs' statistics reach the store a few times a second; the traces are read with them.
  const runs = useRuns((s) => s.runs);
  const [typed, setTyped] = useState('');
  const [sort, setSort] = useState<SortState<Column>>({ by: 'final', down: false });
  const shown = specs.filter((s) => groups.has(s.id));
  const grouped = shown.map((s) => ({
    specId: s.id,
    runs: groups
      .get(s.id)!
      .runIds.map((id) => runs[id])
      .filter((r) => r !== undefined),
  }));
  const typedTarget = typed.trim() === '' ? null : Number(typed);
  const targetError =
    typedTarget !== null && !(typedTarget > 0 && Number.isFinite(typedTarget)) ? 'The target loss must be a number above 0.' : null;
  const baseline = (id: string) => BASELINES.includes(shown.find((s) => s.id === id)?.optimizer as (typeof BASELINES)[number]);
  const { rows, target } = useMemo(() => {
    const first = summarizeSpecs(grouped, traceOf, null);
    const target = typedTarget !== null && !targetError ? typedTarget : defaultTarget(first, baseline);
    return { rows: summarizeSpecs(grouped, traceOf, target), target };
  }, [runs, typed, specs, groups]); // eslint-disable-line react-hooks/exhaustive-deps
  if (shown.length === 0) return null;
  const all = grouped.flatMap((g) => g.runs);
  const done = all.filter((r) => !['running', 'paused', 'starting', 'queued'].includes(r.status)).length;
  // Time left: the steps still to train over the speed of the runs training now.
  const rate = all.filter((r) => r.status === 'running').reduce((s, r) => s + (r.stepsPerSecond ?? 0), 0);
  const remaining = all
    .filter((r) => ['running', 'paused', 'starting', 'queued'].includes(r.status))
    .reduce((s, r) => s + Math.max(0, r.config.steps - r.step), 0);
  const progress =
    done === all.length
      ? `Finished: all ${all.length} runs.`
      : `${done} of ${all.length} runs finished${rate > 0 ? `, about ${formatSeconds(remaining / rate)} left` : ''}.`;
  const index = new Map(shown.map((s, i) => [s.id, i]));
  const sorted = [...rows].sort((a, b) => {
    const d = sortValue(a, sort.by, index.get(a.specId)!) - sortValue(b, sort.by, index.get(b.specId)!);
    return (sort.down ? -d : d) || index.get(a.specId)! - index.get(b.specId)!;
  });
  const header = (c: Column, label: string, title?: string) => (
    <SortHeader column={c} label={label} {...(title ? { title } : {})} sort={sort} onSort={setSort} />
  );
  return (
    <section aria-labelledby="summary-h" data-testid="summary" className="summary">
      <h3 id="summary-h">Summary</h3>
      <p role="status" data-testid="summary.progress">
        {progress}
      </p>
      <div className="table-scroll">
        <table className="runs" data-testid="summary.table">
          <thead>
            <tr>
              {header('spec', 'Run')}
              {header(
                'final',
                done === all.length ? 'Final loss' : 'Latest loss',
                'log-space mean over the seeds that did not diverge [min, max]; the last 1/50 of each run, log-averaged',
              )}
              {header('best', 'Best loss', 'log-space mean [min, max] of each seed’s lowest loss')}
              {hasTest && header('accuracy', 'Test acc.', 'mean ± sample sd over the seeds, at their last evaluation')}
              {header(
                'target',
                'Steps to target',
                'the first step at which the smoothed loss reaches the target: mean over the seeds that reach it',
              )}
              {header('diverged', 'Diverged')}
              {header('seeds', 'Seeds')}
              {header('ms', 'ms/step', `mean over the seeds of each run’s ${MS_PER_STEP_TITLE}`)}
              <th scope="col">Settings</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => {
              const s = shown.find((x) => x.id === r.specId)!;
              const settings = Object.entries({ ...shownDefaults(s.optimizer), ...(s.options ?? {}) })
                .map(([k, v]) => `${k} ${String(v)}`)
                .join(', ');
              return (
                <tr key={r.specId} data-testid={`summary.${r.specId}`}>
                  <th scope="row" style={{ color: textColorOf(index.get(r.specId)!) }}>
                    {r.specId}: {specName(s)}
                  </th>
                  <td data-testid={`summary.${r.specId}.final`}>{logStat(r.finalLoss)}</td>
                  <td data-testid={`summary.${r.specId}.best`}>{logStat(r.bestLoss)}</td>
                  {hasTest && (
                    <td data-testid={`summary.${r.specId}.accuracy`}>
                      {!r.testAccuracy
                        ? '—'
                        : r.testAccuracy.n < 2
                          ? `${(100 * r.testAccuracy.mean).toFixed(2)} % (1 seed)`
                          : `${(100 * r.testAccuracy.mean).toFixed(2)} ± ${(100 * r.testAccuracy.sd).toFixed(2)} %`}
                    </td>
                  )}
                  <td data-testid={`summary.${r.specId}.target`}>
                    {r.stepsToTarget?.mean != null
                      ? `${Math.round(r.stepsToTarget.mean)} (${r.stepsToTarget.reached} of ${r.runs - r.diverged})`
                      : 'not reached'}
                  </td>
                  <td data-testid={`summary.${r.specId}.diverged`}>{r.diverged}</td>
                  <td data-testid={`summary.${r.specId}.seeds`}>{r.runs}</td>
                  <td data-testid={`summary.${r.specId}.ms`}>{r.msPerStep === null ? '—' : r.msPerStep.toPrecision(3)}</td>
                  <td className="settings">{settings || '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p>
        <label>
          target loss{' '}
          <input
            aria-label="target loss"
            size={9}
            value={typed}
            placeholder={target === null ? '' : num(target)}
            aria-invalid={targetError !== null}
            onChange={(e) => setTyped(e.target.value)}
          />
        </label>{' '}
        <small data-testid="summary.target">
          {typed.trim() === '' || targetError
            ? `default: the best final loss of the baselines (Adam, momentum SGD, SGD, RMSProp), else of every run${target === null ? '' : `: ${num(target)}`}`
            : `steps to ${num(target!)}`}
        </small>
        {targetError && (
          <span role="alert" className="error">
            {' '}
            {targetError}
          </span>
        )}
      </p>
    </section>
  );
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return 'an unknown time';
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
