/**
 * `npm run lab -- reproduce momo-sweep`: MoMo's published MNIST-MLP sweep (experiments/momoSweep.ts) through the
 * sweep engine (local pool or queue, resumable), L4Adam and L4Mom over α beside it; prints and writes
 * `<out>/momo-sweep.md`: test accuracy after the last epoch per grid point (mean over seeds, min–max), beside the
 * published value. The question it answers: is L4's α as forgiving as MoMo's learning rate?
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MOMO_SWEEP, MOMO_SWEEP_EPOCHS, MOMO_SWEEP_SEEDS, momoSweepSpec, type MomoSweepRow } from '../experiments/momoSweep';
import { resultFile } from './sweep/run';
import type { RunDocument } from './sweep/bundle';
import { expandSweep, parseSweepSpec, type SweepSpec } from './sweep/spec';

/** The shipped sweep with `seeds` and `epochs`. */
export const momoSweep = (o: { seeds?: number | undefined; epochs?: number | undefined }): SweepSpec =>
  parseSweepSpec(momoSweepSpec({ seeds: o.seeds ?? MOMO_SWEEP_SEEDS, epochs: o.epochs ?? MOMO_SWEEP_EPOCHS }));

/** One grid point's runs: each seed's accuracy at its last evaluation, or null when it diverged or has no result. */
export interface MomoCell {
  readonly accuracies: readonly number[];
  readonly diverged: number;
  readonly missing: number;
}

const labValue = (row: MomoSweepRow, x: number) => row.toLab?.(x) ?? x;

/** Every row's cells, by grid point, from the sweep's spool. */
export function momoSweepCells(spec: SweepSpec, out: string): Map<MomoSweepRow, Map<number, MomoCell>> {
  const cells = new Map(MOMO_SWEEP.map((row) => [row, new Map<number, { accuracies: number[]; diverged: number; missing: number }>()]));
  for (const r of expandSweep(spec)) {
    const row = MOMO_SWEEP.find((x) => x.optimizer === r.optimizer);
    if (!row) continue;
    const x = row.grid.find((g) => Math.abs(labValue(row, g) - Number(r.optimizerOptions[row.key])) <= 1e-12 * labValue(row, g));
    if (x === undefined) continue;
    const cell = cells.get(row)!.get(x) ?? { accuracies: [], diverged: 0, missing: 0 };
    cells.get(row)!.set(x, cell);
    const file = resultFile(out, r.runKey);
    if (!existsSync(file)) {
      cell.missing++;
      continue;
    }
    const res = (JSON.parse(readFileSync(file, 'utf8')) as RunDocument).runs[0]!;
    const last = (res.testMetrics as { testAccuracy?: number }[]).at(-1)?.testAccuracy;
    if (res.status === 'diverged' || last === undefined || !Number.isFinite(last)) cell.diverged++;
    else cell.accuracies.push(last);
  }
  return cells;
}

const acc = (x: number | null | undefined) => (x === null || x === undefined ? '—' : Number.isNaN(x) ? 'NaN' : x.toFixed(3));

function cellText(c: MomoCell | undefined, published: number | null | undefined): string {
  if (!c) return published === undefined || published === null ? '—' : `— (${acc(published)})`;
  const a = c.accuracies;
  const ours = a.length
    ? `${acc(a.reduce((s, x) => s + x, 0) / a.length)}${a.length > 1 ? ` [${acc(Math.min(...a))}–${acc(Math.max(...a))}]` : ''}`
    : 'diverged';
  const notes = [c.diverged && a.length ? `${c.diverged} diverged` : '', c.missing ? `${c.missing} missing` : ''].filter(Boolean);
  return `${ours}${notes.length ? ` (${notes.join(', ')})` : ''}${published === undefined ? '' : ` · ${acc(published)}`}`;
}

/** The two tables as Markdown: learning-rate grids beside the published numbers, and L4's α grids. */
export function momoSweepMarkdown(cells: Map<MomoSweepRow, Map<number, MomoCell>>, o: { seeds: number; epochs: number }): string {
  const lines = [
    `Test accuracy after epoch ${o.epochs} on stepback-mnist (784-100-100-10 ReLU, batch 128), mean over ${o.seeds} seed${o.seeds === 1 ? '' : 's'} [min–max]; after "·": step-back's published value (records/mnist_mlp.csv; NaN: diverged there).`,
    '',
  ];
  const table = (rows: MomoSweepRow[], title: string) => {
    const grid = [...new Set(rows.flatMap((r) => r.grid))].sort((a, b) => a - b);
    lines.push(`| ${title} | ${grid.join(' | ')} |`, `| --- | ${grid.map(() => '---').join(' | ')} |`);
    for (const row of rows)
      lines.push(
        `| ${row.name} | ${grid.map((x) => (row.grid.includes(x) ? cellText(cells.get(row)!.get(x), row.published?.[String(x)]) : '')).join(' | ')} |`,
      );
    lines.push('');
  };
  table(
    MOMO_SWEEP.filter((r) => r.key === 'learningRate'),
    'learning rate',
  );
  table(
    MOMO_SWEEP.filter((r) => r.key === 'alpha'),
    'α (L4)',
  );
  lines.push(
    'SGD-M runs as the lab’s heavy-ball momentum at 0.1 × the learning rate shown (PyTorch’s dampening 0.9 scales the buffer by 1 − 0.9). Adam runs with ε = 1e-8, as PyTorch.',
  );
  return `${lines.join('\n')}\n`;
}

/** Writes `<out>/momo-sweep.md` from whatever runs are there; returns its text. */
export function reportMomoSweep(spec: SweepSpec, out: string, o: { seeds: number; epochs: number }): { markdown: string; file: string } {
  const markdown = momoSweepMarkdown(momoSweepCells(spec, out), o);
  const file = join(out, 'momo-sweep.md');
  writeFileSync(file, markdown);
  return { markdown, file };
}
