/**
 * The size of the largest 8-connected group of set pixels in a w × h mask (which it clears). For the paint check
 * (paintCheck.ts): seams differ in single pixels, a wrong curve along its length.
 */
export function largestCluster(mask: Uint8Array, w: number, h: number): number {
  let largest = 0;
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start]) continue;
    mask[start] = 0;
    stack.push(start);
    let size = 0;
    while (stack.length) {
      const p = stack.pop()!;
      size++;
      const px = p % w;
      const py = (p - px) / w;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          const ny = py + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const q = ny * w + nx;
          if (mask[q]) {
            mask[q] = 0;
            stack.push(q);
          }
        }
    }
    largest = Math.max(largest, size);
  }
  return largest;
}
