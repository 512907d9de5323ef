import { setPaintHook } from '../../src/ui/charts/seriesPaint';
import { largestCluster } from './pixelClusters';

/**
 * The charts' paint check (bench.html?charts=…&verify): every painted frame is compared with a full repaint of the
 * same curves; `worst` is the largest share of the curves' pixels that differed by more than a quarter of full ink,
 * and `cluster` the most differing pixels that touch one another (8-neighbours) in any frame. Where a kept picture
 * meets a newer piece, single pixels differ (the layers' order and antialiasing at the seam; the seams add up as a
 * run streams); a curve missing, doubled or out of place differs along its length.
 */
export function installPaintCheck(): { frames: number; worst: number; cluster: number } {
  const result = { frames: 0, worst: 0, cluster: 0 };
  setPaintHook((canvas, repaintInFull) => {
    const full = document.createElement('canvas');
    full.width = canvas.width;
    full.height = canvas.height;
    const fc = full.getContext('2d', { willReadFrequently: true })!;
    repaintInFull(fc);
    const a = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, canvas.width, canvas.height).data;
    const b = fc.getImageData(0, 0, full.width, full.height).data;
    let inked = 0;
    let differ = 0;
    const mask = new Uint8Array(canvas.width * canvas.height);
    // Premultiplied: a nearly transparent antialiasing pixel (alpha 1 of 255) may hold any colour.
    const channel = (d: Uint8ClampedArray, i: number, k: number) => (k === 3 ? d[i + 3]! : (d[i + k]! * d[i + 3]!) / 255);
    for (let i = 0; i < a.length; i += 4) {
      if (a[i + 3]! > 0 || b[i + 3]! > 0) inked++;
      let most = 0;
      for (let k = 0; k < 4; k++) most = Math.max(most, Math.abs(channel(a, i, k) - channel(b, i, k)));
      if (most > 64) {
        differ++;
        mask[i / 4] = 1;
      }
    }
    result.frames++;
    if (inked > 0) result.worst = Math.max(result.worst, differ / inked);
    if (differ > 0) result.cluster = Math.max(result.cluster, largestCluster(mask, canvas.width, canvas.height));
  });
  return result;
}
