import { textColorOf } from '../charts/colors';
import { OPTIMIZERS, type Live } from './explainer2d';

const fmt = (v: number | null) =>
  v === null || Number.isNaN(v) ? '—' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toPrecision(3);

/** Each optimizer of the 2-D explainer: its steps, and its last step's loss, η, L_min and gᵀv. */
export function LastStepTable({ live }: { live: Readonly<Record<string, Live>> }) {
  return (
    <div className="last-step-wrap">
      <table className="numbers" data-testid="twod.table">
        <caption>Each optimizer's last step</caption>
        <thead>
          <tr>
            <th scope="col">Optimizer</th>
            <th scope="col">steps</th>
            <th scope="col">L</th>
            <th scope="col">η</th>
            <th scope="col">L_min</th>
            <th scope="col">gᵀv</th>
          </tr>
        </thead>
        <tbody>
          {OPTIMIZERS.map((o, k) => {
            const l = live[o.id];
            return (
              <tr key={o.id}>
                <th scope="row" style={{ color: textColorOf(k) }}>
                  {o.title}
                  {l && l.status !== 'running' && l.status !== 'paused' && l.status !== 'starting' ? ` (${l.status})` : ''}
                </th>
                <td data-testid={`twod.${o.id}.steps`}>{l?.steps ?? 0}</td>
                <td>{fmt(l?.loss ?? null)}</td>
                <td>{fmt(l?.eta ?? null)}</td>
                <td>{fmt(l?.lossMin ?? null)}</td>
                <td>{fmt(l?.gDotV ?? null)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
