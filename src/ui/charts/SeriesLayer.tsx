import { useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { usePlotArea, useXAxisInverseScale, useXAxisScale, useYAxisScale } from 'recharts';
import type { SeriesPoint } from '../../lib/series';
import { affine, curveCounts, nearest, seriesSvg, SeriesPainter } from './seriesPaint';

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
  /** An experiment from the history beside the current one: its smoothed curve dashed. */
  readonly dashed?: boolean;
}

/** For exports: each series canvas's vector equivalent, by its placeholder in the SVG (see exportChart.svgText). */
export const vectorOf = new WeakMap<Element, () => string>();

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
  /**
   * Filled in after each render: repaints the canvas with newer series under the same axes without a React
   * render (MetricChart's streaming path). It returns false, painting nothing, while a readout is shown (its
   * values come from a render) or before the first paint.
   */
  readonly live?: { repaint: ((drawn: readonly Drawn[]) => boolean) | null };
}

/**
 * The data of a live chart, inside a recharts chart and drawn with its axes' scales, on a canvas over the
 * plot area. Recharts' own <Line>/<Area> build an object and SVG text per point and keep the data in an
 * immer store: with 8 runs that made a redraw ~10× dearer (BENCHMARKS.md, page goals). Axes, grid and the
 * SVG/PNG export stay recharts' (the export gets the same curves as vector paths). Hovering shows every
 * series' value at the nearest point.
 */
export function SeriesLayer({
  drawn,
  companionName,
  format,
  xLabel,
  xDomain,
  yDomain,
  logX,
  logY,
  cursorX = null,
  live,
}: SeriesLayerProps) {
  const xs = useXAxisScale();
  const ys = useYAxisScale();
  const inv = useXAxisInverseScale();
  const area = usePlotArea();
  const [hover, setHover] = useState<number | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [painter] = useState(() => new SeriesPainter());
  // The canvas lies over the SVG in the chart's HTML wrapper, not inside it (a foreignObject): redrawing it then
  // repaints the canvas alone, not the whole SVG with its axes and text (on software raster most of a redraw).
  const placeholder = useRef<SVGGElement>(null);
  const [host, setHost] = useState<HTMLElement | null>(null);

  const x = xs ? affine((v) => xs(v), xDomain, logX) : null;
  const y = ys ? affine((v) => ys(v), yDomain, logY) : null;
  const keyPx = hover === null && cursorX !== null && x ? x(cursorX) : undefined;
  const px = hover ?? (keyPx !== undefined && Number.isFinite(keyPx) ? keyPx : null);
  // The placeholder is rendered once the axes have scales; its SVG's wrapper then holds the canvas.
  const ready = Boolean(xs && ys && area);
  useLayoutEffect(() => {
    const wrapper = placeholder.current?.ownerSVGElement?.parentElement ?? null;
    if (wrapper !== host) setHost(wrapper);
  }, [host, ready]);
  useLayoutEffect(() => {
    const c = canvas.current;
    if (!c || !area || !x || !y) {
      if (live) live.repaint = null;
      return;
    }
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(area.width * dpr));
    const h = Math.max(1, Math.round(area.height * dpr));
    if (c.width !== w) c.width = w;
    if (c.height !== h) c.height = h;
    // The pixel mapping itself (the ends of both axes in pixels; recharts' scales may change under equal domains).
    const mapping = [x(xDomain[0]), x(xDomain[1]), y(yDomain[0]), y(yDomain[1]), logX, logY].join();
    const paintAll = (d: readonly Drawn[]) => {
      painter.paint(c, area, dpr, d, x, y, mapping);
      const { curves, markers } = curveCounts(d, x, y);
      c.dataset.curves = String(curves);
      c.dataset.markers = String(markers);
      if (placeholder.current) vectorOf.set(placeholder.current, () => seriesSvg(d, x, y));
    };
    paintAll(drawn);
    if (live) live.repaint = px === null ? (d) => (paintAll(d), true) : null;
  });
  if (!x || !y || !area) return null;
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
