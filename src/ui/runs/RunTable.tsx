import { useRuns, type RunMeta } from '../../state/runs';

const fmt = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4 ? x.toExponential(3) : x.toPrecision(4));

function statusText(r: RunMeta): string {
  if (r.status === 'diverged') return `diverged at step ${r.divergedAt}`;
  if (r.status === 'failed') return `failed: ${r.reason ?? 'unknown error'}`;
  return r.status;
}

/** One row per run: status, backend (and why, if it fell back), progress, last loss and η, and controls. */
export function RunTable() {
  const order = useRuns((s) => s.order);
  const runs = useRuns((s) => s.runs);
  const command = useRuns((s) => s.command);
  if (order.length === 0) return <p>No runs yet.</p>;
  return (
    <table data-testid="runs">
      <thead>
        <tr>
          <th>Run</th>
          <th>Task</th>
          <th>Optimizer</th>
          <th>Status</th>
          <th>Backend</th>
          <th>Step</th>
          <th>Loss</th>
          <th>η</th>
          <th>Controls</th>
        </tr>
      </thead>
      <tbody>
        {order.map((id) => {
          const r = runs[id]!;
          const live = r.status === 'running' || r.status === 'paused' || r.status === 'starting';
          return (
            <tr key={id} data-testid={`runs.${id}`}>
              <td>{id}</td>
              <td>{r.config.task}</td>
              <td>{r.config.optimizer}</td>
              <td data-testid={`runs.${id}.status`}>{statusText(r)}</td>
              <td data-testid={`runs.${id}.backend`} title={r.fallbackReason ?? undefined}>
                {r.backend ?? '…'}
                {r.fallbackReason ? ' (fallback)' : ''}
              </td>
              <td data-testid={`runs.${id}.step`}>{r.step}</td>
              <td data-testid={`runs.${id}.loss`}>{fmt(r.lastLoss)}</td>
              <td data-testid={`runs.${id}.eta`}>{fmt(r.lastEta)}</td>
              <td>
                {r.status === 'paused' ? (
                  <button onClick={() => command(id, 'resume')} aria-label={`Resume ${id}`}>
                    Resume
                  </button>
                ) : (
                  <button onClick={() => command(id, 'pause')} disabled={!live} aria-label={`Pause ${id}`}>
                    Pause
                  </button>
                )}{' '}
                <button onClick={() => command(id, { step: 1 })} disabled={r.status !== 'paused'} aria-label={`Step ${id}`}>
                  Step
                </button>{' '}
                <button onClick={() => command(id, 'stop')} disabled={!live} aria-label={`Stop ${id}`}>
                  Stop
                </button>
                {r.errors.length > 0 && <span role="alert">{r.errors.at(-1)}</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
