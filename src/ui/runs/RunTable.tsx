import { useState } from 'react';
import { BLOWUP_FACTOR } from '../../lib/divergence';
import { columnSpec, optimizerLabel } from '../../optim/catalogue';
import { useCheckpoints } from '../../state/branches';
import { changeLines, settingSymbol, startValue } from '../../state/changes';
import { taskSpec } from '../../tasks/catalogue';
import { useLab } from '../../state/lab';
import { resumeRun } from '../../state/persist';
import { useRuns, type RunMeta } from '../../state/runs';
import { compareValues, MS_PER_STEP_TITLE, SortHeader, type SortState } from '../SortHeader';
import { BranchPanel } from './BranchPanel';
import { useBranchPick } from './branchPick';

const fmt = (x: number | null) =>
  x === null || Number.isNaN(x)
    ? '—'
    : x === 0
      ? '0'
      : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4
        ? x.toExponential(3)
        : String(Number(x.toPrecision(4)));

/** The reason a run diverged, short enough for a table cell (the whole sentence is its tooltip). */
const shortReason = (reason: string) => /^(\d+) steps in a row were skipped/.exec(reason)?.[1]?.concat(' steps skipped in a row') ?? reason;

export function statusText(r: RunMeta): string {
  if (r.overlay !== undefined) return 'from the history (dashed)';
  if (r.status === 'diverged') return `diverged at step ${r.divergedAt}`;
  // Finite but blown up (the benchmark's criterion): "done" alone would say it trained.
  const last = r.last.loss;
  if (r.status === 'done' && r.firstLoss !== undefined && last !== undefined && r.firstLoss > 0 && last > BLOWUP_FACTOR * r.firstLoss)
    return `diverged: its last loss ${fmt(last)} is over ${BLOWUP_FACTOR}× its first`;
  // Its last step skipped, too few in a row for the engine to stop it (state/summary.ts counts it diverged too).
  if (r.status === 'done' && last !== undefined && !Number.isFinite(last)) return `diverged: it ended on a loss of ${last}`;
  if (r.status === 'failed') return `failed: ${r.reason ?? 'unknown error'}`;
  if (r.status === 'interrupted') return `interrupted at step ${r.step} (the page was closed)`;
  // The first step on a GPU backend compiles its shaders, which takes seconds: say so.
  if ((r.status === 'running' || r.status === 'starting') && r.step === 0 && (r.backend === 'webgpu' || r.backend === 'webgl')) {
    return `starting: compiling ${r.backend === 'webgpu' ? 'WebGPU' : 'WebGL'} shaders…`;
  }
  if (r.status === 'starting') return r.backend ? 'starting' : 'starting: loading the backend and data…';
  return r.status;
}

/** What the run table sorts by: a column, or a diagnostic's (`d:<key>`). */
type RunSort =
  'run' | 'optimizer' | 'seed' | 'status' | 'backend' | 'step' | 'ms' | 'loss' | 'best' | 'acc' | `d:${string}` | `c:${string}`;

/** One row per run and seed: status, backend (and why it fell back), speed, and last / best / final metrics. */
export function RunTable() {
  const order = useRuns((s) => s.order);
  const runs = useRuns((s) => s.runs);
  const [sort, setSort] = useState<SortState<RunSort>>({ by: 'run', down: false });
  // The task the runs trained (the builder may have another by now).
  const builderTask = useLab((s) => s.experiment.task);
  const ranTask = order.map((id) => runs[id]!).find((r) => !r.branch)?.config.task ?? builderTask;
  const hasTest = taskSpec(ranTask)?.hasTest ?? true;
  const branchable = useCheckpoints((s) => s.steps);
  const branching = useBranchPick((s) => s.runId);
  // The last value of every plotted diagnostic any run records (the loss has its own columns).
  const diagnostics = [...new Set(order.flatMap((id) => Object.keys(runs[id]!.last)))]
    .map(columnSpec)
    .filter((d) => d.key !== 'loss' && d.plot !== false);
  // A column per setting that differs between the runs that have it (a grid's learning rates, a branch's α): each
  // run's start value (given, else its default; "—" where its optimizer has no such setting), headed by its symbol.
  const start = (r: RunMeta, k: string) => startValue(r.config.optimizer, r.config.optimizerOptions, k);
  const configKeys = [...new Set(order.flatMap((id) => Object.keys(runs[id]!.config.optimizerOptions)))].filter(
    (k) => new Set(order.map((id) => start(runs[id]!, k)).filter((v) => v !== undefined)).size > 1,
  );
  const configSymbol = (k: string) =>
    settingSymbol(order.map((id) => runs[id]!).find((r) => start(r, k) !== undefined)!.config.optimizer, k);
  // Why a run's backend is not the first choice, once for every run it applies to (numbered notes below the table).
  const reasons = [...new Set(order.map((id) => runs[id]!.fallbackReason).filter((x): x is string => x !== null))];
  // Grouped by run spec (its seeds in order, its branches after it) unless a column is picked.
  const value = (r: RunMeta, by: RunSort): number | string | null => {
    if (by.startsWith('d:')) return r.last[by.slice(2)] ?? null;
    if (by.startsWith('c:')) return start(r, by.slice(2)) ?? null;
    switch (by) {
      case 'optimizer':
        return optimizerLabel(r.config.optimizer, r.config.optimizerOptions);
      case 'seed':
        return r.seed;
      case 'status':
        return statusText(r);
      case 'backend':
        return r.backend;
      case 'step':
        return r.step;
      case 'ms':
        return r.stepsPerSecond ? 1000 / r.stepsPerSecond : null;
      case 'loss':
        return r.last.loss ?? null;
      case 'best':
        return r.bestLoss;
      case 'acc':
        return r.testAccuracy === null ? null : -r.testAccuracy;
      default:
        return `${r.specId}\u0000${String(r.seed).padStart(12, '0')}`;
    }
  };
  const sorted = [...order].sort(
    (a, b) => compareValues(value(runs[a]!, sort.by), value(runs[b]!, sort.by), sort.down) || order.indexOf(a) - order.indexOf(b),
  );
  const header = (c: RunSort, label: string, title?: string) => (
    <SortHeader column={c} label={label} {...(title ? { title } : {})} sort={sort} onSort={setSort} />
  );
  if (order.length === 0) return <p data-testid="runs.empty">No runs yet: press Start.</p>;
  return (
    <>
      <table data-testid="runs" className="runs">
        <caption>Runs</caption>
        <thead>
          <tr>
            {header('run', 'Run')}
            {header('optimizer', 'Optimizer')}
            {configKeys.map((k) => (
              <SortHeader key={k} column={`c:${k}`} label={configSymbol(k)} title={`${k} at the start`} sort={sort} onSort={setSort} />
            ))}
            {header('seed', 'Seed')}
            {header('status', 'Status')}
            {header('backend', 'Backend')}
            {header('step', 'Step')}
            {header('ms', 'ms/step', MS_PER_STEP_TITLE)}
            {header('loss', 'Last loss')}
            {header('best', 'Best loss')}
            {diagnostics.map((d) => (
              <SortHeader key={d.key} column={`d:${d.key}`} label={d.symbol} title={d.label} sort={sort} onSort={setSort} />
            ))}
            {hasTest && header('acc', 'Test acc.')}
          </tr>
        </thead>
        <tbody>
          {sorted.map((id) => {
            const r = runs[id]!;
            return (
              <tr key={id} data-testid={`runs.${id}`}>
                <th scope="row">
                  {id}
                  {r.branch && (
                    <small className="why" data-testid={`runs.${id}.branch`}>
                      {' '}
                      branch of {r.branch.from} at step {r.branch.step}
                    </small>
                  )}
                  {(branchable[id]?.length ?? 0) > 0 && (
                    <>
                      {' '}
                      <button type="button" aria-label={`Branch run ${id}`} onClick={() => useBranchPick.getState().open(id)}>
                        Branch
                      </button>
                    </>
                  )}
                </th>
                <td>
                  {optimizerLabel(r.config.optimizer, r.config.optimizerOptions)}
                  {(r.changes?.length ?? 0) > 0 && (
                    <small className="why change-lines" data-testid={`runs.${id}.changes`}>
                      {changeLines(r.config.optimizer, r.config.optimizerOptions, r.changes).join('; ')}
                    </small>
                  )}
                </td>
                {configKeys.map((k) => (
                  <td key={k} data-testid={`runs.${id}.config.${k}`}>
                    {String(start(r, k) ?? '—')}
                  </td>
                ))}
                <td>{r.seed}</td>
                <td data-testid={`runs.${id}.status`}>
                  {statusText(r)}
                  {r.status === 'diverged' && r.reason && (
                    <small className="why" data-testid={`runs.${id}.reason`} title={r.reason}>
                      {' '}
                      ({shortReason(r.reason)})
                    </small>
                  )}
                  {r.status === 'interrupted' && r.resumableFrom !== null && (
                    <>
                      {' '}
                      <button
                        type="button"
                        aria-label={`Resume run ${id} from step ${r.resumableFrom}`}
                        onClick={() => void resumeRun(id).catch((e: unknown) => useLab.getState().setNotices([(e as Error).message]))}
                      >
                        Resume from step {r.resumableFrom}
                      </button>
                    </>
                  )}
                  {r.errors.length > 0 && (
                    <span role="alert" className="error">
                      {' '}
                      {r.errors.at(-1)}
                    </span>
                  )}
                </td>
                <td data-testid={`runs.${id}.backend`}>
                  {r.backend ?? '…'}
                  {r.fallbackReason && (
                    <sup className="why" title={r.fallbackReason} data-testid={`runs.${id}.fallback`}>
                      {' '}
                      {reasons.indexOf(r.fallbackReason) + 1}
                    </sup>
                  )}
                </td>
                <td data-testid={`runs.${id}.step`}>{r.step}</td>
                <td data-testid={`runs.${id}.msPerStep`}>{r.stepsPerSecond ? (1000 / r.stepsPerSecond).toPrecision(3) : '—'}</td>
                <td data-testid={`runs.${id}.loss`}>{fmt(r.last.loss ?? null)}</td>
                <td>{fmt(r.bestLoss)}</td>
                {diagnostics.map((d) => (
                  <td key={d.key} data-testid={`runs.${id}.${d.key}`}>
                    {fmt(r.last[d.key] ?? null)}
                  </td>
                ))}
                {hasTest && <td>{r.testAccuracy === null ? '—' : `${(100 * r.testAccuracy).toFixed(2)} %`}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
      {reasons.length > 0 && (
        <ol className="why backend-notes" data-testid="runs.backend-notes">
          {reasons.map((why) => (
            <li key={why}>Why this backend: {why}</li>
          ))}
        </ol>
      )}
      {branching && runs[branching] && <BranchPanel key={branching} runId={branching} onClose={() => useBranchPick.getState().close()} />}
    </>
  );
}
