import { contours } from 'd3-contour';
import { useEffect, useMemo, useState } from 'react';
import { FORMULAS_2D, NUMBERS } from '../../lib/functions2d';
import { colorOf } from '../charts/colors';
import { teachPool as makeTeachPool } from '../../state/teachPool';

const SIZE = 420;
const GRID = 100;

/** The optimizers stepped side by side; the constant rates suit each function (the loss-based ones need none). */
const OPTIMIZERS: { id: string; title: string; optimizer: string; options: (fn: string) => Record<string, number> }[] = [
  { id: 'l4adam', title: 'L4Adam', optimizer: 'l4adam', options: () => ({}) },
  { id: 'l4mom', title: 'L4Mom', optimizer: 'l4mom', options: () => ({}) },
  { id: 'polyak', title: 'Polyak (f* = 0)', optimizer: 'polyak', options: () => ({ fStar: 0, alpha: 0.5 }) },
  { id: 'adam', title: 'Adam', optimizer: 'adam', options: (fn) => ({ learningRate: fn === 'quadratic' ? 0.1 : 0.02 }) },
  {
    id: 'sgd',
    title: 'SGD',
    optimizer: 'sgd',
    options: (fn) => ({ learningRate: fn === 'quadratic' ? 0.01 : fn === 'rastrigin' ? 0.002 : 0.001 }),
  },
];

interface Live {
  path: number[];
  loss: number | null;
  eta: number | null;
  lossMin: number | null;
  gDotV: number | null;
  steps: number;
  status: string;
}

/** SVG path of d3-contour's MultiPolygon, in grid coordinates scaled to the plot. */
function toPath(coords: number[][][][], scale: number): string {
  return coords
    .map((poly) =>
      poly
        .map(
          (ring) => ring.map(([x, y], i) => `${i ? 'L' : 'M'}${(x! * scale).toFixed(1)},${(SIZE - y! * scale).toFixed(1)}`).join('') + 'Z',
        )
        .join(''),
    )
    .join('');
}

/** A pool sized so that every optimizer of the explainer steps at once. */
const teachPool = makeTeachPool(OPTIMIZERS.length);

/**
 * The 2-D explainer: contours of a test function and the trajectories of several optimizers from a draggable
 * start point, stepping together (each in its own worker, on the lab's engine), with each one's step
 * quantities. Noise can be switched on to show the stochastic case.
 */
export function Explainer2D() {
  const [fn, setFn] = useState('rosenbrock');
  const spec = FORMULAS_2D[fn]!;
  const [start, setStart] = useState<[number, number]>(spec.start);
  const [noise, setNoise] = useState(false);
  const [live, setLive] = useState<Record<string, Live>>({});
  const [running, setRunning] = useState(false);
  const [vx0, vx1, vy0, vy1] = spec.view;
  const sx = (x: number) => ((x - vx0) / (vx1 - vx0)) * SIZE;
  const sy = (y: number) => SIZE - ((y - vy0) / (vy1 - vy0)) * SIZE;
  const fromPx = (px: number, py: number): [number, number] => [
    Number((vx0 + (px / SIZE) * (vx1 - vx0)).toFixed(2)),
    Number((vy0 + ((SIZE - py) / SIZE) * (vy1 - vy0)).toFixed(2)),
  ];

  const levels = useMemo(() => {
    const values = new Array<number>(GRID * GRID);
    for (let j = 0; j < GRID; j++) {
      for (let i = 0; i < GRID; i++) {
        const x = vx0 + ((i + 0.5) / GRID) * (vx1 - vx0);
        const y = vy0 + ((j + 0.5) / GRID) * (vy1 - vy0);
        values[j * GRID + i] = Math.log10(spec.f(NUMBERS, x, y, 10) + 1e-3);
      }
    }
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const thresholds = Array.from({ length: 14 }, (_, k) => lo + ((k + 0.5) * (hi - lo)) / 14);
    return contours()
      .size([GRID, GRID])
      .thresholds(thresholds)(values)
      .map((c) => toPath(c.coordinates as number[][][][], SIZE / GRID));
  }, [fn]); // eslint-disable-line react-hooks/exhaustive-deps

  const stop = () => {
    teachPool.cancelAll();
    setRunning(false);
  };
  useEffect(() => stop, []);

  const restart = (from: [number, number], paused: boolean) => {
    stop();
    const init: Record<string, Live> = {};
    for (const o of OPTIMIZERS) {
      init[o.id] = { path: [...from], loss: null, eta: null, lossMin: null, gDotV: null, steps: 0, status: 'starting' };
      teachPool.submit({
        id: o.id,
        paused,
        config: {
          task: 'functions-2d',
          taskSettings: { fn, kappa: 10, noise: noise ? 0.1 : 0, x0: from[0], y0: from[1] },
          optimizer: o.optimizer,
          optimizerOptions: o.options(fn),
          seed: 1,
          steps: 5000,
          backend: 'auto',
        },
        callbacks: {
          onChunk: (c) =>
            setLive((prev) => {
              const p = prev[o.id]!;
              const last = c.length - 1;
              if (last < 0) return prev;
              const path = c.theta ? [...p.path, ...Array.from(c.theta)] : p.path;
              return {
                ...prev,
                [o.id]: {
                  ...p,
                  path: path.length > 4000 ? path.slice(-4000) : path,
                  loss: c.columns.loss[last]!,
                  eta: c.columns.effectiveLr?.[last] ?? NaN,
                  lossMin: c.columns.lossMin?.[last] ?? NaN,
                  gDotV: c.columns.gDotV?.[last] ?? NaN,
                  steps: c.columns.step[last]! + 1,
                },
              };
            }),
          onStatus: (m) =>
            setLive((prev) =>
              prev[o.id]
                ? { ...prev, [o.id]: { ...prev[o.id]!, status: m.divergedAt !== null ? `diverged at step ${m.divergedAt}` : m.status } }
                : prev,
            ),
        },
      });
    }
    setLive(init);
    setRunning(!paused);
  };

  const fmt = (v: number | null) =>
    v === null || Number.isNaN(v) ? '—' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toPrecision(3);
  const drag = (e: React.PointerEvent<SVGSVGElement>) => {
    if (e.buttons !== 1) return;
    const r = e.currentTarget.getBoundingClientRect();
    setStart(fromPx(((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE));
  };
  return (
    <section aria-labelledby="twod-h" data-testid="explainer2d">
      <h2 id="twod-h">Two dimensions: optimizers side by side</h2>
      <p>
        <label>
          Surface{' '}
          <select
            aria-label="surface"
            value={fn}
            onChange={(e) => {
              stop();
              setLive({});
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
        <label>
          start x{' '}
          <input
            aria-label="start x"
            size={5}
            value={start[0]}
            onChange={(e) => Number.isFinite(Number(e.target.value)) && setStart([Number(e.target.value), start[1]])}
          />
        </label>{' '}
        <label>
          start y{' '}
          <input
            aria-label="start y"
            size={5}
            value={start[1]}
            onChange={(e) => Number.isFinite(Number(e.target.value)) && setStart([start[0], Number(e.target.value)])}
          />
        </label>{' '}
        <button type="button" onClick={() => restart(start, false)}>
          Run together
        </button>{' '}
        <button
          type="button"
          onClick={() => {
            if (!OPTIMIZERS.some((o) => teachPool.isLive(o.id))) restart(start, true);
            for (const o of OPTIMIZERS) teachPool.command(o.id, { step: 1 });
          }}
        >
          Step together
        </button>{' '}
        <button
          type="button"
          disabled={!running}
          onClick={() => {
            for (const o of OPTIMIZERS) teachPool.command(o.id, 'pause');
            setRunning(false);
          }}
        >
          Pause together
        </button>
      </p>
      <div className="teach-grid">
        <svg
          viewBox={`0 0 ${SIZE} ${SIZE}`}
          className="explainer"
          role="img"
          aria-label={`Contours of ${spec.title} with the optimizers' paths`}
          onPointerDown={drag}
          onPointerMove={drag}
          onPointerUp={() => restart(start, true)}
          style={{ touchAction: 'none' }}
        >
          {levels.map((d, i) => (
            <path key={i} d={d} fill="none" stroke="#bbb" strokeWidth={0.8} />
          ))}
          <circle cx={sx(spec.minimum[0])} cy={sy(spec.minimum[1])} r={4} fill="#333" />
          {OPTIMIZERS.map((o, k) => {
            const p = live[o.id]?.path ?? [];
            const pts: string[] = [];
            for (let i = 0; i + 1 < p.length; i += 2)
              if (Number.isFinite(p[i]!) && Number.isFinite(p[i + 1]!)) pts.push(`${sx(p[i]!).toFixed(1)},${sy(p[i + 1]!).toFixed(1)}`);
            return (
              <polyline
                key={o.id}
                points={pts.join(' ')}
                fill="none"
                stroke={colorOf(k)}
                strokeWidth={1.8}
                data-testid={`path.${o.id}`}
                data-points={pts.length}
              />
            );
          })}
          <circle cx={sx(start[0])} cy={sy(start[1])} r={7} fill="#E69F00" stroke="#333" aria-hidden="true" />
        </svg>
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
                  <th scope="row" style={{ color: colorOf(k) }}>
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
    </section>
  );
}
