import { useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { usePlotArea, useXAxisInverseScale, useXAxisScale, useYAxisScale } from 'recharts';
import type { SeriesPoint } from '../../lib/series';

/** One run spec's series in a chart: the faint raw curve, the smoothed curve, its min–max band, a dashed companion. */
export interface Drawn {
  readonly specId: string;
  readonly color: string;
  readonly name: string;
  readonly raw: readonly SeriesPoint[];
  readonly smooth: readonly SeriesPoint[];
  readonly companion: readonly SeriesPoint[];
  /** A sparse metric (one point per evaluation): each point gets a dot, so the first shows on its own. */
  readonly markers?: boolean;
}

const MARKER_RADIUS = 3;

type Scale = (v: number) => number | undefined;

/** Pixels to one decimal, as path text. */
const px1 = (v: number) => String(Math.round(v * 10) / 10);

/**
 * The axis scale as plain arithmetic (two calls to recharts' scale fix it), so that building a path costs a
 * multiply-add per point: linear, or linear in log v on a log axis (NaN for v ≤ 0 there).
 */
export function affine(scale: (v: number) => number | undefined, domain: readonly [number, number], log: boolean): Scale {
  const [v0, v1] = domain;
  const p0 = scale(v0);
  const p1 = scale(v1);
  if (p0 === undefined || p1 === undefined) return scale;
  const f = log ? Math.log : (v: number) => v;
  const a = f(v0);
  const k = (p1 - p0) / (f(v1) - a || 1);
  return log ? (v) => (v > 0 ? p0 + (Math.log(v) - a) * k : undefined) : (v) => p0 + (v - a) * k;
}

/**
 * Walks a curve in pixels: `move` where a piece starts, `line` to each next point, with gaps where a value
 * cannot be drawn (non-finite, or ≤ 0 on a log axis). The canvas and the SVG export share it.
 */
function walk(
  points: readonly SeriesPoint[],
  x: Scale,
  y: Scale,
  key: 'y' | 'lo' | 'hi',
  move: (px: number, py: number) => void,
  line: (px: number, py: number) => void,
): void {
  let pen = false;
  for (const p of points) {
    const px = x(p.x);
    const py = y(p[key]);
    if (px === undefined || py === undefined || !Number.isFinite(px) || !Number.isFinite(py)) {
      pen = false;
      continue;
    }
    (pen ? line : move)(px, py);
    pen = true;
  }
}

/** An SVG path through the points (gaps where a value cannot be drawn, e.g. ≤ 0 on a log axis). */
export function linePath(points: readonly SeriesPoint[], x: Scale, y: Scale, key: 'y' | 'lo' | 'hi' = 'y'): string {
  let d = '';
  walk(
    points,
    x,
    y,
    key,
    (px, py) => (d += 'M' + px1(px) + ',' + px1(py)),
    (px, py) => (d += 'L' + px1(px) + ',' + px1(py)),
  );
  return d;
}

/** The min–max band's outline in pixels: along `hi`, then back along `lo` (points where both can be drawn). */
function bandOutline(points: readonly SeriesPoint[], x: Scale, y: Scale): [number, number][] {
  const top: [number, number][] = [];
  const bottom: [number, number][] = [];
  for (const p of points) {
    const px = x(p.x);
    const hi = y(p.hi);
    const lo = y(p.lo);
    if (px === undefined || hi === undefined || lo === undefined || ![px, hi, lo].every(Number.isFinite)) continue;
    top.push([px, hi]);
    bottom.push([px, lo]);
  }
  return top.length < 2 ? [] : [...top, ...bottom.reverse()];
}

/** The min–max band as one closed path. */
export function bandPath(points: readonly SeriesPoint[], x: Scale, y: Scale): string {
  const o = bandOutline(points, x, y);
  return o.length ? `M${o.map(([px, py]) => px1(px) + ',' + px1(py)).join('L')}Z` : '';
}

/** The point of a series nearest to x (series are sorted by x). */
export function nearest(points: readonly SeriesPoint[], x: number): SeriesPoint | null {
  if (points.length === 0) return null;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.x < x) lo = mid;
    else hi = mid;
  }
  return Math.abs(points[lo]!.x - x) <= Math.abs(points[hi]!.x - x) ? points[lo]! : points[hi]!;
}

/** The curves as SVG markup (for exports: on screen they are drawn on a canvas). */
export function seriesSvg(drawn: readonly Drawn[], x: Scale, y: Scale): string {
  const attr = (v: string) => v.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  const out: string[] = [];
  for (const d of drawn)
    if (d.smooth.some((p) => p.n > 1))
      out.push(`<path d="${bandPath(d.smooth, x, y)}" fill="${attr(d.color)}" fill-opacity="0.15" stroke="none"/>`);
  for (const d of drawn)
    out.push(`<path d="${linePath(d.raw, x, y)}" fill="none" stroke="${attr(d.color)}" stroke-opacity="0.25" stroke-width="1"/>`);
  for (const d of drawn) out.push(`<path d="${linePath(d.smooth, x, y)}" fill="none" stroke="${attr(d.color)}" stroke-width="2"/>`);
  for (const d of drawn)
    if (d.companion.length)
      out.push(
        `<path d="${linePath(d.companion, x, y)}" fill="none" stroke="${attr(d.color)}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
      );
  for (const d of drawn)
    if (d.markers)
      walk(
        d.smooth,
        x,
        y,
        'y',
        (px, py) => out.push(`<circle cx="${px1(px)}" cy="${px1(py)}" r="${MARKER_RADIUS}" fill="${attr(d.color)}"/>`),
        (px, py) => out.push(`<circle cx="${px1(px)}" cy="${px1(py)}" r="${MARKER_RADIUS}" fill="${attr(d.color)}"/>`),
      );
  return `<g class="l4-series-vector">${out.join('')}</g>`;
}

/** For exports: each series canvas's vector equivalent, by its placeholder in the SVG (see exportChart.svgText). */
export const vectorOf = new WeakMap<Element, () => string>();

/** Draws the curves on a 2-D canvas in chart coordinates; returns how many curves and marker dots it drew. */
function paint(ctx: CanvasRenderingContext2D, drawn: readonly Drawn[], x: Scale, y: Scale): { curves: number; markers: number } {
  let curves = 0;
  let markers = 0;
  const move = (px: number, py: number) => ctx.moveTo(px, py);
  const line = (px: number, py: number) => ctx.lineTo(px, py);
  for (const d of drawn) {
    if (!d.smooth.some((p) => p.n > 1)) continue;
    const o = bandOutline(d.smooth, x, y);
    if (o.length === 0) continue;
    ctx.beginPath();
    o.forEach(([px, py], i) => (i === 0 ? move : line)(px, py));
    ctx.closePath();
    ctx.globalAlpha = 0.15;
    ctx.fillStyle = d.color;
    ctx.fill();
    curves++;
  }
  const stroke = (points: readonly SeriesPoint[], color: string, width: number, alpha: number, dash: number[]) => {
    if (points.length === 0) return;
    ctx.beginPath();
    walk(points, x, y, 'y', move, line);
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    ctx.stroke();
    curves++;
  };
  for (const d of drawn) stroke(d.raw, d.color, 1, 0.25, []);
  for (const d of drawn) stroke(d.smooth, d.color, 2, 1, []);
  for (const d of drawn) stroke(d.companion, d.color, 1.5, 1, [5, 4]);
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  for (const d of drawn) {
    if (!d.markers) continue;
    ctx.fillStyle = d.color;
    const dot = (px: number, py: number) => {
      ctx.beginPath();
      ctx.arc(px, py, MARKER_RADIUS, 0, 2 * Math.PI);
      ctx.fill();
      markers++;
    };
    walk(d.smooth, x, y, 'y', dot, dot);
  }
  return { curves, markers };
}

export interface SeriesLayerProps {
  readonly drawn: readonly Drawn[];
  readonly companionName?: string;
  readonly format: (v: number) => string;
  readonly xLabel: string;
  /** The axes' domains and whether they are logarithmic (as given to XAxis and YAxis). */
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
  readonly logX: boolean;
  readonly logY: boolean;
  /** A data x to read out when the mouse is not over the plot (the keyboard cursor), or null. */
  readonly cursorX?: number | null;
}

/**
 * The data of a live chart, inside a recharts chart and drawn with its axes' scales, on a canvas over the
 * plot area. Recharts' own <Line>/<Area> build an object and SVG text per point and keep the data in an
 * immer store: with 8 runs that made a redraw ~10× dearer (BENCHMARKS.md, page goals). Axes, grid and the
 * SVG/PNG export stay recharts' (the export gets the same curves as vector paths). Hovering shows every
 * series' value at the nearest point.
 */
export function SeriesLayer({ drawn, companionName, format, xLabel, xDomain, yDomain, logX, logY, cursorX = null }: SeriesLayerProps) {
  const xs = useXAxisScale();
  const ys = useYAxisScale();
  const inv = useXAxisInverseScale();
  const area = usePlotArea();
  const [hover, setHover] = useState<number | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  // The canvas lies over the SVG in the chart's HTML wrapper, not inside it (a foreignObject): redrawing it then
  // repaints the canvas alone, not the whole SVG with its axes and text (on software raster most of a redraw).
  const placeholder = useRef<SVGGElement>(null);
  const [host, setHost] = useState<HTMLElement | null>(null);

  const x = xs ? affine((v) => xs(v), xDomain, logX) : null;
  const y = ys ? affine((v) => ys(v), yDomain, logY) : null;
  // The placeholder is rendered once the axes have scales; its SVG's wrapper then holds the canvas.
  const ready = Boolean(xs && ys && area);
  useLayoutEffect(() => {
    const wrapper = placeholder.current?.ownerSVGElement?.parentElement ?? null;
    if (wrapper !== host) setHost(wrapper);
  }, [host, ready]);
  useLayoutEffect(() => {
    const c = canvas.current;
    if (!c || !area || !x || !y) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(area.width * dpr));
    const h = Math.max(1, Math.round(area.height * dpr));
    if (c.width !== w) c.width = w;
    if (c.height !== h) c.height = h;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, -area.x * dpr, -area.y * dpr);
    ctx.clearRect(area.x, area.y, area.width, area.height);
    ctx.lineJoin = 'round';
    const { curves, markers } = paint(ctx, drawn, x, y);
    c.dataset.curves = String(curves);
    c.dataset.markers = String(markers);
    if (placeholder.current) vectorOf.set(placeholder.current, () => seriesSvg(drawn, x, y));
  });
  if (!x || !y || !area) return null;
  const keyPx = hover === null && cursorX !== null ? x(cursorX) : undefined;
  const px = hover ?? (keyPx !== undefined && Number.isFinite(keyPx) ? keyPx : null);
  const hx = hover !== null ? (inv ? Number(inv(hover)) : null) : px !== null ? cursorX : null;
  const rows =
    hx === null || !Number.isFinite(hx)
      ? []
      : drawn.flatMap((d) => {
          const p = nearest(d.smooth, hx);
          const c = nearest(d.companion, hx);
          const out: { color: string; text: string }[] = [];
          if (p) out.push({ color: d.color, text: `${d.name}: ${format(p.y)}${p.n > 1 ? ` [${format(p.lo)} – ${format(p.hi)}]` : ''}` });
          if (c && companionName) out.push({ color: d.color, text: `${d.name} ${companionName}: ${format(c.y)}` });
          return out;
        });
  const boxW = 300;
  const boxX = px !== null && px + 12 + boxW > area.x + area.width ? Math.max(area.x, px - 12 - boxW) : (px ?? 0) + 12;
  return (
    <g className="l4-series">
      <g className="l4-series-canvas" ref={placeholder} />
      {host &&
        createPortal(
          <canvas
            ref={canvas}
            className="l4-series-canvas"
            style={{
              position: 'absolute',
              left: `${area.x}px`,
              top: `${area.y}px`,
              width: `${area.width}px`,
              height: `${area.height}px`,
              pointerEvents: 'none',
              willChange: 'transform',
            }}
          />,
          host,
        )}
      <rect
        x={area.x}
        y={area.y}
        width={area.width}
        height={area.height}
        fill="transparent"
        onMouseMove={(e) => {
          const r = (e.currentTarget.ownerSVGElement ?? e.currentTarget).getBoundingClientRect();
          setHover(e.clientX - r.left);
        }}
        onMouseLeave={() => setHover(null)}
      />
      {px !== null && rows.length > 0 ? (
        <g className="hover" pointerEvents="none">
          <line x1={px} x2={px} y1={area.y} y2={area.y + area.height} stroke="#888" strokeDasharray="3 3" />
          <rect x={boxX} y={area.y + 4} width={boxW} height={18 + 16 * rows.length} fill="white" fillOpacity={0.92} stroke="#ccc" rx={3} />
          <text x={boxX + 8} y={area.y + 18} fontSize={12} fill="#333">
            {xLabel} {format(hx!)}
          </text>
          {rows.map((r, i) => (
            <text key={i} x={boxX + 8} y={area.y + 34 + 16 * i} fontSize={12} fill={r.color}>
              {r.text}
            </text>
          ))}
        </g>
      ) : null}
    </g>
  );
}
