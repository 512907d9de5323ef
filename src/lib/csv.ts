/** One CSV field: numbers as shortest round-trip text, NaN/undefined as empty, strings quoted when needed. */
export function csvField(v: number | string | undefined | null): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A CSV document from a header and rows (RFC 4180, \n line ends). */
export function toCsv(header: readonly string[], rows: Iterable<readonly (number | string | undefined | null)[]>): string {
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) lines.push(r.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}
