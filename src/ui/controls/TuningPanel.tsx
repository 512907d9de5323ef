import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { hasLearningRate, optimizerLabel } from '../../optim/catalogue';
import { useLab } from '../../state/lab';
import { summarize, useTuning } from '../../state/tuning';

/**
 * The paper's protocol for baselines: a log grid of learning rates, each run over the experiment's seeds and
 * budget in parallel workers; the sensitivity curve; the best constant rate is put into the comparison.
 */
export function TuningPanel() {
  const runs = useLab((s) => s.experiment.runs);
  const budget = useLab((s) => `${s.experiment.steps} steps × ${s.experiment.seeds} seed(s)`);
  const t = useTuning();
  const tunable = runs.filter((r) => hasLearningRate(r.optimizer));
  const [specId, setSpecId] = useState<string>('');
  const [lo, setLo] = useState('1e-4');
  const [hi, setHi] = useState('1');
  const [points, setPoints] = useState('5');
  const chosen = tunable.find((r) => r.id === specId) ?? tunable[0];
  const summary = summarize(t.results).map((s) => ({ lr: s.lr, score: Number.isFinite(s.score) ? s.score : null }));
  const doneCount = t.results.filter((r) => r.status !== 'queued' && r.status !== 'running').length;
  // A best rate at an end of its grid may not be the best there is: say so, and offer the grid two steps further.
  const lrs = summary.map((x) => x.lr);
  const [gridLo, gridHi] = [Math.min(...lrs), Math.max(...lrs)];
  const edge =
    t.status === 'done' && t.best && lrs.length > 1 ? (t.best.lr === gridHi ? 'highest' : t.best.lr === gridLo ? 'lowest' : null) : null;
  const extend = () => {
    const ratio = (gridHi / gridLo) ** (1 / (lrs.length - 1));
    const next = {
      lo: edge === 'lowest' ? Number((gridLo / ratio ** 2).toPrecision(3)) : gridLo,
      hi: edge === 'highest' ? Number((gridHi * ratio ** 2).toPrecision(3)) : gridHi,
      points: Math.min(12, lrs.length + 2),
    };
    setLo(String(next.lo));
    setHi(String(next.hi));
    setPoints(String(next.points));
    if (t.specId) t.tune(t.specId, next.lo, next.hi, next.points);
  };
  return (
    <section aria-labelledby="tune-h" data-testid="tuning">
      <h2 id="tune-h">Tune a baseline</h2>
      {tunable.length === 0 ? (
        <p>Add a baseline (Adam, momentum SGD, SGD, RMSProp) to tune its learning rate.</p>
      ) : (
        <p className="row">
          <label>
            Run{' '}
            <select aria-label="run to tune" value={chosen?.id} onChange={(e) => setSpecId(e.target.value)}>
              {tunable.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id}: {optimizerLabel(r.optimizer, r.options)}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            lowest learning rate <input aria-label="lowest learning rate" size={7} value={lo} onChange={(e) => setLo(e.target.value)} />
          </label>{' '}
          <label>
            highest learning rate <input aria-label="highest learning rate" size={7} value={hi} onChange={(e) => setHi(e.target.value)} />
          </label>{' '}
          <label>
            points <input aria-label="grid points" size={3} value={points} onChange={(e) => setPoints(e.target.value)} />
          </label>{' '}
          <button
            type="button"
            onClick={() => chosen && t.tune(chosen.id, Number(lo), Number(hi), Number(points))}
            disabled={t.status === 'running'}
          >
            Tune
          </button>{' '}
          <button type="button" onClick={() => t.cancel()} disabled={t.status !== 'running'}>
            Cancel tuning
          </button>{' '}
          <small>Budget: {budget} per rate.</small>
        </p>
      )}
      {t.error && (
        <p role="alert" className="error" data-testid="tuning.error">
          {t.error}
        </p>
      )}
      {t.results.length > 0 && (
        <p data-testid="tuning.status">
          {t.status === 'running' ? `Tuning: ${doneCount} of ${t.results.length} runs finished.` : `Tuning ${t.status}.`}
          {t.best &&
            ` Best constant learning rate ${t.best.lr} (final loss ${t.best.score.toExponential(3)}), now used by run ${t.specId}.`}
        </p>
      )}
      {edge && (
        <p role="status" className="warning" data-testid="tuning.edge">
          The best rate is the {edge} of the grid ({t.best!.lr}): the best may lie beyond it.{' '}
          <button type="button" onClick={extend}>
            Extend the grid
          </button>
        </p>
      )}
      {summary.length > 0 && (
        <figure className="chart" data-testid="tuning.curve">
          <figcaption>Sensitivity: final loss against learning rate (gaps: diverged)</figcaption>
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={summary} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
              <XAxis
                dataKey="lr"
                type="number"
                scale="log"
                domain={['dataMin', 'dataMax']}
                tickFormatter={(v: number) => v.toExponential(0)}
              />
              <YAxis type="number" scale="log" domain={['auto', 'auto']} tickFormatter={(v: number) => v.toExponential(1)} width={64} />
              <Tooltip />
              <Line dataKey="score" stroke="#0072B2" dot isAnimationActive={false} connectNulls={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
      )}
    </section>
  );
}
