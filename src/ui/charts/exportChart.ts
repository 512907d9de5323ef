import { saveFile } from '../../lib/download';
import { vectorOf } from './SeriesLayer';

/** What an exported chart says beside its plot: its title, a legend line per series with its settings, a footer. */
export interface ExportMeta {
  readonly title: string;
  readonly legend: readonly { readonly color: string; readonly text: string }[];
  /** The experiment: task, its settings, seeds and budget. */
  readonly footer?: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const LINE = 16;
const FONT_FAMILY = 'system-ui, sans-serif';

let measure: CanvasRenderingContext2D | null = null;

/**
 * A caption broken into lines no wider than `max` pixels at 12 px, at spaces (a word wider than a line is broken
 * where it must be). Each line but the last keeps the space it was broken at. Measured with a canvas in the
 * export's font, as the file will be drawn.
 */
export function wrapText(value: string, max: number, weight = '400'): string[] {
  measure ??= document.createElement('canvas').getContext('2d');
  const ctx = measure;
  if (!ctx) return [value];
  ctx.font = `${weight} 12px ${FONT_FAMILY}`;
  const fits = (s: string) => ctx.measureText(s.trimEnd()).width <= max;
  const lines: string[] = [];
  let line = '';
  for (const word of value.split(/(?<= )/)) {
    if (fits(line + word)) {
      line += word;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    // A word wider than a whole line: cut it where it fills one.
    while (!fits(line) && line.length > 1) {
      let n = line.length - 1;
      while (n > 1 && !fits(line.slice(0, n))) n--;
      lines.push(line.slice(0, n));
      line = line.slice(n);
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** A chart's SVG as a standalone file's text. */
export function svgText(svg: SVGSVGElement, meta?: ExportMeta): string {
  return svgFile(svg, meta).text;
}

/** The file's text and its size (the plot and what the export adds around it). */
function svgFile(svg: SVGSVGElement, meta?: ExportMeta): { text: string; width: number; height: number } {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  // The live curves are on a canvas over the SVG: the file gets them as vector paths, where their placeholder is.
  const live = [...svg.querySelectorAll('g.l4-series-canvas')];
  [...clone.querySelectorAll('g.l4-series-canvas')].forEach((fo, i) => {
    const vector = live[i] && vectorOf.get(live[i]);
    const g = new DOMParser().parseFromString(`<svg xmlns="http://www.w3.org/2000/svg">${vector ? vector() : ''}</svg>`, 'image/svg+xml')
      .documentElement.firstElementChild;
    if (g) fo.replaceWith(document.importNode(g, true));
    else fo.remove();
  });
  const { width, height } = svg.getBoundingClientRect();
  // Unlike a screenshot (or TensorBoard's download), the file names what it shows: the title above the plot,
  // then each series with its settings and the experiment below it, each wrapped to the figure's width.
  const title = meta ? wrapText(meta.title, width - 16, '600') : [];
  const legend = meta ? meta.legend.map((l) => wrapText(l.text, width - 32)) : [];
  const footer = meta?.footer ? wrapText(meta.footer, width - 16) : [];
  const top = meta ? title.length * LINE + 8 : 0;
  const lines = legend.reduce((n, l) => n + l.length, 0) + footer.length;
  const total = height + top + (lines ? lines * LINE + 8 : 0);
  if (meta) {
    const plot = document.createElementNS(SVG_NS, 'g');
    plot.setAttribute('transform', `translate(0,${top})`);
    while (clone.firstChild) plot.appendChild(clone.firstChild);
    clone.appendChild(plot);
    // One <text> per caption, one <tspan> per line; each line but the last keeps its trailing space, so the
    // element's text is the caption itself.
    const text = (x: number, y: number, value: readonly string[], attrs: Record<string, string> = {}) => {
      const t = document.createElementNS(SVG_NS, 'text');
      t.setAttribute('x', String(x));
      t.setAttribute('y', String(y));
      t.setAttribute('font-family', FONT_FAMILY);
      t.setAttribute('font-size', '12');
      for (const [k, v] of Object.entries(attrs)) t.setAttribute(k, v);
      value.forEach((line, i) => {
        const span = document.createElementNS(SVG_NS, 'tspan');
        span.setAttribute('x', String(x));
        if (i > 0) span.setAttribute('dy', String(LINE));
        span.textContent = line;
        t.appendChild(span);
      });
      clone.appendChild(t);
    };
    text(8, 16, title, { 'font-weight': '600', class: 'l4-export-title' });
    let y = height + top + 4 + LINE;
    meta.legend.forEach((l, i) => {
      const sw = document.createElementNS(SVG_NS, 'rect');
      for (const [k, v] of Object.entries({ x: '8', y: String(y - 10), width: '10', height: '10', fill: l.color })) sw.setAttribute(k, v);
      clone.appendChild(sw);
      text(24, y, legend[i]!, { class: 'l4-export-legend', fill: '#222' });
      y += legend[i]!.length * LINE;
    });
    if (footer.length) text(8, y, footer, { class: 'l4-export-footer', fill: '#555' });
  }
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(total));
  clone.setAttribute('viewBox', `0 0 ${width} ${total}`);
  // A white background, so the file reads the same outside the page.
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return { text: new XMLSerializer().serializeToString(clone), width, height: total };
}

/** Saves a chart's SVG as an .svg file, or (below) rasterised as a .png (twice its size). */
export function exportSvg(svg: SVGSVGElement, name: string, meta?: ExportMeta): void {
  saveFile(`${name}.svg`, new Blob([svgText(svg, meta)], { type: 'image/svg+xml' }));
}

export async function exportPng(svg: SVGSVGElement, name: string, meta?: ExportMeta): Promise<void> {
  const { text, width, height } = svgFile(svg, meta);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be rasterised'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * 2);
    canvas.height = Math.round(height * 2);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0, width, height);
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
    saveFile(`${name}.png`, blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}
