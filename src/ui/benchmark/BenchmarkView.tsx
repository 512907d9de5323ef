import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { BLOWUP_FACTOR, divergedGroups, NO_REASON } from '../../lib/divergence';
import { algoperfScoreOf } from '../../lib/perfProfile';
import { useBenchmark } from '../../state/benchmark';
import { colorOf } from '../charts/colors';

const fmt = (x: number | null, digits = 3) => (x === null ? '—' : x.toPrecision(digits));

/**
 * An opened benchmark report: the performance profile (the fraction of tasks each optimizer solves within τ of
 * the fastest, by steps or by time), then per task its target and each optimizer's steps and seconds to it,
 * final and best loss, and diverged seeds.
 */
export function BenchmarkView() {
  const report = useBenchmark((s) => s.report);
  const name = useBenchmark((s) => s.name);
  const [by, setBy] = useState<'steps' | 'seconds'>('steps');
  const [reference, setReference] = useState<string | null>(null);
  if (!report) return null;
  const p = by === 'steps' ? report.profileSteps : report.profileSeconds;
  const entries = Object.keys(p.rho);
  const data = p.taus.map((tau, k) => ({ tau, ...Object.fromEntries(entries.map((e) => [e, p.rho[e]![k]])) }));
  const ref = reference !== null && entries.includes(reference) ? reference : null;
  const scores = [algoperfScoreOf(report.tasks, 'steps', ref), algoperfScoreOf(report.tasks, 'seconds', ref)] as const;
  return (
    <section aria-labelledby="bench-h" data-testid="benchmark" className="benchmark">
      <h2 id="bench-h">
        Benchmark {name && <small>({name})</small>}{' '}
        <button type="button" onClick={() => useBenchmark.getState().close()}>
          Close the benchmark
        </button>
      </h2>
      <p>
        {report.tasks.length} tasks. A task's target is the lowest loss the best tuned baseline reaches within the budget (seed-mean of the
        smoothed loss), or a fixed target on held-out data where the task has one (AlgoPerf's MNIST: test accuracy above 0.97); an optimizer
        solves a task when it reaches the target.{' '}
        <label>
          profile by{' '}
          <select aria-label="profile by" value={by} onChange={(e) => setBy(e.target.value as 'steps' | 'seconds')}>
            <option value="steps">steps</option>
            <option value="seconds">seconds</option>
          </select>
        </label>
      </p>
      <figure className="chart" data-testid="benchmark.profile" data-curves={entries.length}>
        <figcaption>Performance profile: fraction of tasks solved within τ × the fastest ({by})</figcaption>
        <ResponsiveContainer width="100%" height={300}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="tau"
              type="number"
              scale="log"
              domain={[p.taus[0]!, p.taus[p.taus.length - 1]!]}
              ticks={[...p.taus]}
              label={{ value: 'τ', position: 'insideBottom', offset: -8 }}
            />
            <YAxis domain={[0, 1]} label={{ value: 'fraction solved', angle: -90, position: 'insideLeft' }} />
            <Legend />
            {entries.map((e, i) => (
              <Line
                key={e}
                dataKey={e}
                type="stepAfter"
                stroke={colorOf(i)}
                strokeDasharray={i >= 8 ? '6 3' : undefined}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <table className="runs" data-testid="benchmark.score">
        <caption>
          AlgoPerf score: the profile's integral over τ ∈ [1, 4] ÷ 3, a time to target over 4× that of{' '}
          <select aria-label="score against" value={ref ?? ''} onChange={(e) => setReference(e.target.value || null)}>
            <option value="">the fastest optimizer on each task</option>
            {entries.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>{' '}
          counted as never (1: {ref === null ? 'fastest on every task' : `never slower than ${ref}`})
        </caption>
        <thead>
          <tr>
            <th scope="col">optimizer</th>
            <th scope="col">score by steps</th>
            <th scope="col">score by seconds</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(scores[0].score)
            .sort((a, b) => b[1] - a[1])
            .map(([e, s]) => (
              <tr key={e}>
                <th scope="row">{e}</th>
                <td>{s.toFixed(3)}</td>
                <td>{scores[1].score[e]!.toFixed(3)}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {report.tasks.map((t) => (
        <table key={t.task} className="runs" data-testid={`benchmark.task.${t.task}`}>
          <caption>
            {t.task}: target {t.fixedTarget ?? fmt(t.target, 4)} {t.targetBy && <>(set by {t.targetBy})</>}
          </caption>
          <thead>
            <tr>
              <th scope="col">optimizer</th>
              <th scope="col">config</th>
              <th scope="col">steps to target</th>
              <th scope="col">seconds to target</th>
              <th scope="col">final loss</th>
              <th scope="col">best loss</th>
              {t.fixedTarget !== undefined && <th scope="col">final test acc.</th>}
              <th scope="col">diverged seeds</th>
            </tr>
          </thead>
          <tbody>
            {[...t.entries]
              .sort((a, b) => (a.stepsToTarget ?? Infinity) - (b.stepsToTarget ?? Infinity))
              .map((e) => (
                <tr key={e.entry}>
                  <th scope="row">
                    {e.entry}
                    {e.tuned ? ' (tuned)' : ''}
                  </th>
                  <td>{e.config}</td>
                  <td>{e.stepsToTarget === null ? 'not reached' : Math.round(e.stepsToTarget)}</td>
                  <td>{fmt(e.secondsToTarget)}</td>
                  <td>{fmt(e.finalLoss)}</td>
                  <td>{fmt(e.bestLoss)}</td>
                  {t.fixedTarget !== undefined && <td>{fmt(e.finalValue ?? null, 4)}</td>}
                  <td>
                    {e.diverged}/{e.seeds}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      ))}
      {report.divergedRuns.length ? (
        <table className="runs" data-testid="benchmark.diverged">
          <caption>
            Diverged runs ({report.divergedRuns.length}): the engine stopped them, a loss was not finite, or the last loss was{' '}
            {BLOWUP_FACTOR}× the first
          </caption>
          <thead>
            <tr>
              <th scope="col">config</th>
              <th scope="col">task</th>
              <th scope="col">seeds</th>
              <th scope="col">why</th>
            </tr>
          </thead>
          <tbody>
            {divergedGroups(report.divergedRuns).map((g) => (
              <tr key={`${g.task} ${g.config} ${g.reason}`}>
                <th scope="row">{g.config}</th>
                <td>{g.task}</td>
                <td>{g.seeds.join(', ')}</td>
                <td>{g.reason ?? NO_REASON}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p data-testid="benchmark.diverged">No run diverged.</p>
      )}
    </section>
  );
}
