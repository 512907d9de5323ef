import { saveFile } from '../../lib/download';
import { vectorOf } from './SeriesLayer';

/** Saves a chart's SVG as an .svg file, or rasterised as a .png (twice the on-screen size). */
export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  // The live curves are on a canvas: the file gets them as vector paths.
  const live = [...svg.querySelectorAll('foreignObject.l4-series-canvas')];
  [...clone.querySelectorAll('foreignObject.l4-series-canvas')].forEach((fo, i) => {
    const vector = live[i] && vectorOf.get(live[i]);
    const g = new DOMParser().parseFromString(`<svg xmlns="http://www.w3.org/2000/svg">${vector ? vector() : ''}</svg>`, 'image/svg+xml')
      .documentElement.firstElementChild;
    if (g) fo.replaceWith(document.importNode(g, true));
    else fo.remove();
  });
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  // A white background, so the file reads the same outside the page.
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

export function exportSvg(svg: SVGSVGElement, name: string): void {
  saveFile(`${name}.svg`, new Blob([svgText(svg)], { type: 'image/svg+xml' }));
}

export async function exportPng(svg: SVGSVGElement, name: string): Promise<void> {
  const { width, height } = svg.getBoundingClientRect();
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
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
