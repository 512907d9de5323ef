/**
 * A one-line progress bar on a TTY (redrawn in place, at most ~10 times a second); on a pipe or in CI,
 * a plain line every 10 %.
 */
export function progressBar(stream: NodeJS.WriteStream): ((label: string, fraction: number, detail: string) => void) & { done(): void } {
  let lastDraw = 0;
  let lastDecile = -1;
  let drawn = false;
  const draw = (label: string, fraction: number, detail: string) => {
    const f = Math.max(0, Math.min(1, fraction));
    if (stream.isTTY) {
      const now = Date.now();
      if (now - lastDraw < 100 && f < 1) return;
      lastDraw = now;
      const width = 30;
      const fill = Math.round(f * width);
      stream.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(100 * f).toFixed(0).padStart(3)}%  ${detail}\x1b[K`);
      drawn = true;
    } else {
      const decile = Math.floor(f * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label} ${(100 * f).toFixed(0)}% ${detail}\n`);
      }
    }
  };
  return Object.assign(draw, {
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
      lastDecile = -1;
    },
  });
}
