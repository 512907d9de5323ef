import type { SeriesPoint } from '../../lib/series';
import type { Drawn } from './SeriesLayer';

/**
 * The curves of a live chart in pixels: paths for the SVG export, and the canvas painter (SeriesLayer.tsx draws
 * with it on every redraw).
 */
const MARKER_RADIUS = 3;

export type Scale = (v: number) => number | undefined;

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
  from = 0,
  to = points.length,
): void {
  let pen = false;
  for (let i = from; i < to; i++) {
    const p = points[i]!;
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
function bandOutline(points: readonly SeriesPoint[], x: Scale, y: Scale, from = 0, to = points.length): [number, number][] {
  const top: [number, number][] = [];
  const bottom: [number, number][] = [];
  for (let i = from; i < to; i++) {
    const p = points[i]!;
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

/** The dashes of an experiment from the history drawn beside the current one (longer than a companion's 5 4). */
const OVERLAY_DASH = [10, 5];

/** The curves as SVG markup (for exports: on screen they are drawn on a canvas). */
export function seriesSvg(drawn: readonly Drawn[], x: Scale, y: Scale): string {
  const attr = (v: string) => v.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  const out: string[] = [];
  for (const d of drawn)
    if (d.smooth.some((p) => p.n > 1))
      out.push(`<path d="${bandPath(d.smooth, x, y)}" fill="${attr(d.color)}" fill-opacity="0.15" stroke="none"/>`);
  for (const d of drawn)
    out.push(`<path d="${linePath(d.raw, x, y)}" fill="none" stroke="${attr(d.color)}" stroke-opacity="0.25" stroke-width="1"/>`);
  for (const d of drawn)
    out.push(
      `<path d="${linePath(d.smooth, x, y)}" fill="none" stroke="${attr(d.color)}" stroke-width="2"${d.dashed ? ` stroke-dasharray="${OVERLAY_DASH.join(' ')}"` : ''}/>`,
    );
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

/** The pixel length of a curve's piece (since its last gap) up to point `at`: where a dash pattern stands there. */
function lengthBefore(points: readonly SeriesPoint[], x: Scale, y: Scale, at: number): number {
  let length = 0;
  let last: [number, number] | null = null;
  walk(
    points,
    x,
    y,
    'y',
    (px, py) => {
      length = 0;
      last = [px, py];
    },
    (px, py) => {
      length += Math.hypot(px - last![0], py - last![1]);
      last = [px, py];
    },
    0,
    at + 1,
  );
  return length;
}

/** Per series, the points of [from, to) to draw: raw, smoothed (with its band and markers), companion. */
type Ranges = readonly (readonly [number, number])[];

/** What is drawn, bottom to top: the bands, the raw curves, the smoothed ones, the companions, the markers. */
const LAYERS = ['band', 'raw', 'smooth', 'companion', 'markers'] as const;
type Layer = (typeof LAYERS)[number];
/**
 * The layers a painter keeps one picture of each group of. One group: a new end of a faint curve may then lie
 * over an older neighbour's smoothed curve for a pixel or two; a picture per layer keeps the order exactly but
 * measured 28–31 redraws/s against 38–39 (`npm run bench:page -- --only=charts`, BENCHMARKS.md).
 */
const GROUPS: readonly (readonly Layer[])[] = [LAYERS];

/** Draws the curves' points in `ranges` on a 2-D canvas in chart coordinates: every layer, or one. */
function paint(ctx: CanvasRenderingContext2D, drawn: readonly Drawn[], x: Scale, y: Scale, ranges: Ranges, only?: Layer): void {
  const move = (px: number, py: number) => ctx.moveTo(px, py);
  const line = (px: number, py: number) => ctx.lineTo(px, py);
  const range = (i: number, k: number) => ranges[3 * i + k]!;
  const on = (layer: Layer) => only === undefined || only === layer;
  if (on('band'))
    drawn.forEach((d, i) => {
      if (!d.smooth.some((p) => p.n > 1)) return;
      const o = bandOutline(d.smooth, x, y, ...range(i, 1));
      if (o.length === 0) return;
      ctx.beginPath();
      o.forEach(([px, py], j) => (j === 0 ? move : line)(px, py));
      ctx.closePath();
      ctx.globalAlpha = 0.15;
      ctx.fillStyle = d.color;
      ctx.fill();
    });
  const stroke = (
    points: readonly SeriesPoint[],
    [from, to]: readonly [number, number],
    color: string,
    width: number,
    alpha: number,
    dash: number[],
  ) => {
    if (to - from < 2) return;
    ctx.beginPath();
    walk(points, x, y, 'y', move, line, from, to);
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    // Round caps on solid curves: where a curve's cached part meets its new end, the two caps make the join.
    ctx.lineCap = dash.length > 0 ? 'butt' : 'round';
    // A piece that continues a dashed curve continues its dashes: offset by the length drawn before it.
    ctx.lineDashOffset = dash.length > 0 && from > 0 ? lengthBefore(points, x, y, from) : 0;
    ctx.stroke();
  };
  if (on('raw')) drawn.forEach((d, i) => stroke(d.raw, range(i, 0), d.color, 1, 0.25, []));
  if (on('smooth')) drawn.forEach((d, i) => stroke(d.smooth, range(i, 1), d.color, 2, 1, d.dashed ? OVERLAY_DASH : []));
  if (on('companion')) drawn.forEach((d, i) => stroke(d.companion, range(i, 2), d.color, 1.5, 1, [5, 4]));
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  drawn.forEach((d, i) => {
    if (!d.markers || !on('markers')) return;
    ctx.fillStyle = d.color;
    const dot = (px: number, py: number) => {
      ctx.beginPath();
      ctx.arc(px, py, MARKER_RADIUS, 0, 2 * Math.PI);
      ctx.fill();
    };
    // A marker per point: a tail that starts one point back (to join its lines) does not repeat that dot.
    const [from, to] = range(i, 1);
    walk(d.smooth, x, y, 'y', dot, dot, from === 0 ? 0 : from + 1, to);
  });
}

/** How many curves (bands, raw, smoothed, companions) and marker dots the series make. */
export function curveCounts(drawn: readonly Drawn[], x: Scale, y: Scale): { curves: number; markers: number } {
  let curves = 0;
  let markers = 0;
  for (const d of drawn) {
    if (d.smooth.some((p) => p.n > 1) && bandOutline(d.smooth, x, y).length > 0) curves++;
    for (const list of [d.raw, d.smooth, d.companion]) if (list.length > 0) curves++;
    if (d.markers)
      walk(
        d.smooth,
        x,
        y,
        'y',
        () => markers++,
        () => markers++,
      );
  }
  return { curves, markers };
}

/**
 * A check a test page may install (the bench's `charts=…&verify`): after every painted frame it gets the canvas
 * and a function that repaints the same curves in full onto another canvas's context, to compare the two.
 */
export type PaintHook = (canvas: HTMLCanvasElement, repaintInFull: (ctx: CanvasRenderingContext2D) => void) => void;

let paintHook: PaintHook | null = null;

/** Installs (or, with null, removes) the check run after every painted frame. */
export function setPaintHook(hook: PaintHook | null): void {
  paintHook = hook;
}

/** Points kept out of the cached picture at the end of each curve: the ones the next chunks may still move. */
const MARGIN = 8;

/**
 * Paints a chart's curves on its canvas, redrawing only what moved. Chunks change a curve's last points only
 * (the series keep their earlier points, the same objects: chartData's cache); so the curves up to a few points
 * before their ends are kept as a picture, extended as they grow, and a redraw is that picture plus the curves'
 * ends. Anything else (other axes, size, series, or a curve whose kept points changed, as when the buckets
 * merge) paints the picture afresh. Stroking every point of 8 runs × 6 charts per frame was most of a redraw.
 */
export class SeriesPainter {
  /** A picture per group of layers (GROUPS). */
  private pictures: HTMLCanvasElement[] = [];
  private key = '';
  private kept: (readonly SeriesPoint[])[] = [];
  private counts: number[] = [];

  paint(
    canvas: HTMLCanvasElement,
    area: { x: number; y: number; width: number; height: number },
    dpr: number,
    drawn: readonly Drawn[],
    x: Scale,
    y: Scale,
    scaleKey: string,
  ): void {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const lists = drawn.flatMap((d) => [d.raw, d.smooth, d.companion]);
    const key = [
      canvas.width,
      canvas.height,
      dpr,
      area.x,
      area.y,
      scaleKey,
      ...drawn.map((d) => `${d.specId}:${d.color}:${d.markers ? 1 : 0}`),
    ].join('|');
    const valid =
      this.pictures.length > 0 &&
      key === this.key &&
      lists.length === this.kept.length &&
      lists.every((l, j) => {
        const c = this.counts[j]!;
        return c === 0 || (l.length >= c && l[c - 1] === this.kept[j]![c - 1]);
      });
    const transform = (c: CanvasRenderingContext2D) => c.setTransform(dpr, 0, 0, dpr, -area.x * dpr, -area.y * dpr);
    if (!valid) {
      if (this.pictures.length === 0) this.pictures = GROUPS.map(() => document.createElement('canvas'));
      for (const p of this.pictures) {
        p.width = canvas.width;
        p.height = canvas.height;
      }
      this.key = key;
      this.counts = lists.map(() => 0);
    }
    // Extend the picture to all but the last MARGIN points of each curve (from the point its piece ended on).
    const target = lists.map((l, j) => Math.max(this.counts[j]!, l.length - MARGIN));
    if (target.some((t, j) => t >= this.counts[j]! + MARGIN || (!valid && t > 0))) {
      const ranges = target.map((t, j) => [Math.max(0, this.counts[j]! - 1), t] as const);
      GROUPS.forEach((group, k) => {
        const pc = this.pictures[k]!.getContext('2d');
        if (!pc) return;
        transform(pc);
        pc.lineJoin = 'round';
        for (const layer of group) paint(pc, drawn, x, y, ranges, layer);
      });
      this.counts = target;
    }
    this.kept = lists;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const tails = lists.map((l, j) => [Math.max(0, this.counts[j]! - 1), l.length] as const);
    const used: Record<Layer, boolean> = {
      band: drawn.some((d) => d.smooth.some((p) => p.n > 1)),
      raw: drawn.some((d) => d.raw.length > 0),
      smooth: drawn.some((d) => d.smooth.length > 0),
      companion: drawn.some((d) => d.companion.length > 0),
      markers: drawn.some((d) => d.markers),
    };
    GROUPS.forEach((group, k) => {
      if (!group.some((layer) => used[layer])) return;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalAlpha = 1;
      ctx.drawImage(this.pictures[k]!, 0, 0);
      transform(ctx);
      ctx.lineJoin = 'round';
      for (const layer of group) if (used[layer]) paint(ctx, drawn, x, y, tails, layer);
    });
    if (paintHook)
      paintHook(canvas, (fc) => {
        transform(fc);
        fc.lineJoin = 'round';
        const lists = drawn.flatMap((d) => [d.raw, d.smooth, d.companion]);
        paint(
          fc,
          drawn,
          x,
          y,
          lists.map((l) => [0, l.length] as const),
        );
      });
  }
}
