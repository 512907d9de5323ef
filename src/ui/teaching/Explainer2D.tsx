import { useState } from 'react';
import { FORMULAS_2D } from '../../lib/functions2d';
import { ContourPlot } from './ContourPlot';
import { LastStepTable } from './LastStepTable';
import { useRunsTogether } from './useRunsTogether';

/**
 * The 2-D explainer: contours of a test function and the trajectories of several optimizers from a draggable
 * start point, stepping together (each in its own worker, on the lab's engine), with each one's step
 * quantities. Noise can be switched on to show the stochastic case.
 */
export function Explainer2D() {
  const [fn, setFn] = useState('rosenbrock');
  const [start, setStart] = useState<[number, number]>(FORMULAS_2D[fn]!.start);
  const [noise, setNoise] = useState(false);
  const runs = useRunsTogether(fn, noise);
  const coordinate = (k: 0 | 1, label: string) => (
    <label>
      {label}{' '}
      <input
        aria-label={label}
        size={5}
        value={start[k]}
        onChange={(e) =>
          Number.isFinite(Number(e.target.value)) &&
          setStart(k === 0 ? [Number(e.target.value), start[1]] : [start[0], Number(e.target.value)])
        }
      />
    </label>
  );
  return (
    <section aria-labelledby="twod-h" data-testid="explainer2d">
      <h2 id="twod-h">Two dimensions: optimizers side by side</h2>
      <p className="row">
        <label>
          Surface{' '}
          <select
            aria-label="surface"
            value={fn}
            onChange={(e) => {
              runs.clear();
              setFn(e.target.value);
              setStart(FORMULAS_2D[e.target.value]!.start);
            }}
          >
            {Object.entries(FORMULAS_2D).map(([k, v]) => (
              <option key={k} value={k}>
                {v.title}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          <input type="checkbox" aria-label="gradient noise" checked={noise} onChange={(e) => setNoise(e.target.checked)} /> noise (σ = 0.1)
        </label>{' '}
        {coordinate(0, 'start x')} {coordinate(1, 'start y')}{' '}
        <button type="button" className="primary" onClick={() => runs.restart(start, false)}>
          Run together
        </button>{' '}
        <button type="button" onClick={() => runs.stepAll(start)}>
          Step together
        </button>{' '}
        <button type="button" disabled={!runs.running} onClick={runs.pauseAll}>
          Pause together
        </button>
      </p>
      <div className="teach-grid">
        <ContourPlot fn={fn} start={start} live={runs.live} onDrag={setStart} onDrop={() => runs.restart(start, true)} />
        <LastStepTable live={runs.live} />
      </div>
    </section>
  );
}
