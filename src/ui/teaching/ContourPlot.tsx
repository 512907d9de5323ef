import { ticks } from 'd3-array';
import { useMemo, useRef } from 'react';
import { FORMULAS_2D } from '../../lib/functions2d';
import { colorOf } from '../charts/colors';
import { contourLevels, GRID, OPTIMIZERS, SIZE, type Live } from './explainer2d';
import { useSvgScale } from './useSvgScale';

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

interface Props {
  fn: string;
  start: [number, number];
  live: Readonly<Record<string, Live>>;
  /** The start point dragged to a new place (plot coordinates rounded to two decimals). */
  onDrag: (to: [number, number]) => void;
  /** The drag ended: the runs restart from there, paused. */
  onDrop: () => void;
}

/** Contours of a test function (log scale) with the minimum, each optimizer's path and the draggable start point. */
export function ContourPlot({ fn, start, live, onDrag, onDrop }: Props) {
  const spec = FORMULAS_2D[fn]!;
  const [vx0, vx1, vy0, vy1] = spec.view;
  const svg = useRef<SVGSVGElement>(null);
  // Labels and the start point keep their size on screen on a narrow plot.
  const k = useSvgScale(svg, SIZE);
  const sx = (x: number) => ((x - vx0) / (vx1 - vx0)) * SIZE;
  const sy = (y: number) => SIZE - ((y - vy0) / (vy1 - vy0)) * SIZE;
  const fromPx = (px: number, py: number): [number, number] => [
    Number((vx0 + (px / SIZE) * (vx1 - vx0)).toFixed(2)),
    Number((vy0 + ((SIZE - py) / SIZE) * (vy1 - vy0)).toFixed(2)),
  ];
  const levels = useMemo(() => contourLevels(fn).map((c) => toPath(c.coordinates as number[][][][], SIZE / GRID)), [fn]);
  const drag = (e: React.PointerEvent<SVGSVGElement>) => {
    if (e.buttons !== 1) return;
    const r = e.currentTarget.getBoundingClientRect();
    onDrag(fromPx(((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE));
  };
  return (
    <svg
      ref={svg}
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      className="explainer"
      role="img"
      aria-label={`Contours of ${spec.title} with the optimizers' paths`}
      onPointerDown={drag}
      onPointerMove={drag}
      onPointerUp={onDrop}
      style={{ touchAction: 'none' }}
    >
      {levels.map((d, i) => (
        <path key={i} d={d} fill="none" stroke="#bbb" strokeWidth={0.8} />
      ))}
      <circle cx={sx(spec.minimum[0])} cy={sy(spec.minimum[1])} r={4 * k} fill="#333" />
      {/* The axes: the plane's coordinates along the bottom and the left edge, inside the plot. */}
      <g data-testid="contour.axes" fontSize={11 * k} fill="#555">
        {ticks(vx0, vx1, 5)
          .filter((t) => sx(t) > 20 * k && sx(t) < SIZE - 12 * k)
          .map((t) => (
            <text key={`x${t}`} x={sx(t)} y={SIZE - 4 * k} textAnchor="middle">
              {t}
            </text>
          ))}
        {ticks(vy0, vy1, 5)
          .filter((t) => sy(t) > 12 * k && sy(t) < SIZE - 18 * k)
          .map((t) => (
            <text key={`y${t}`} x={4 * k} y={sy(t) + 4 * k}>
              {t}
            </text>
          ))}
        <text x={SIZE - 4 * k} y={SIZE - 4 * k} textAnchor="end" fontStyle="italic">
          x
        </text>
        <text x={4 * k} y={12 * k} fontStyle="italic">
          y
        </text>
      </g>
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
      <circle cx={sx(start[0])} cy={sy(start[1])} r={7 * k} fill="#E69F00" stroke="#333" aria-hidden="true" />
    </svg>
  );
}
