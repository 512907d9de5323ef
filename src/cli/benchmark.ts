/**
 * `npm run lab -- benchmark`: a sweep spec the project ships (every task that runs without user data; L4 and the
 * learning-rate-free peers at their defaults; Adam, momentum SGD and SGD tuned on a log grid; several seeds),
 * run on the local pool or a queue like any sweep, then analysed (src/lib/perfProfile.ts): per task the AlgoPerf
 * target, steps and seconds to it, final and best loss; across tasks the Dolan–Moré performance profile. Writes
 * `<out>/benchmark.md` (the tables), `<out>/profile.svg` and `<out>/benchmark.json`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLOWUP_FACTOR, divergedGroups, NO_REASON } from '../lib/divergence';
import { analyzeBenchmark, type BenchmarkResult, type BenchRun, type Profile } from '../lib/perfProfile';
import { fashionMnistDataset } from '../tasks/data/mnist.meta';
import { resultFile } from './sweep/run';
import type { RunDocument } from './sweep/bundle';
import { expandSweep, parseSweepSpec, type SweepRun, type SweepSpec } from './sweep/spec';
import { benchmarkSweep } from '../experiments';
import { taskSpec } from '../tasks/catalogue';

/** The shipped benchmark (experiments/benchmark.ts). `fashion`: include fashion-convnet (when Debian's dataset-fashion-mnist is installed). */
export function benchmarkSpec({ seeds = 3, fashion = existsSync(fashionMnistDataset.nodeSource.dir) } = {}): SweepSpec {
  return parseSweepSpec(benchmarkSweep({ seeds, fashion }));
}

/** A task's name in the tables: the task, and the 2-D function when it has one ("functions-2d/beale"). */
export function taskLabel(run: Pick<SweepRun, 'task' | 'taskSettings'>): string {
  return typeof run.taskSettings.fn === 'string' ? `${run.task}/${run.taskSettings.fn}` : run.task;
}

/** The benchmark's runs from a sweep's spool (`<out>/runs`); runs without a result are left out. */
export function benchRuns(spec: SweepSpec, out: string): { runs: BenchRun[]; missing: number } {
  const tuned = new Set(spec.optimizers.filter((o) => Object.keys(o.grid ?? {}).length > 0).map((o) => o.optimizer));
  const runs: BenchRun[] = [];
  let missing = 0;
  for (const r of expandSweep(spec)) {
    const file = resultFile(out, r.runKey);
    if (!existsSync(file)) {
      missing++;
      continue;
    }
    const doc = JSON.parse(readFileSync(file, 'utf8')) as RunDocument;
    const res = doc.runs[0]!;
    const col = (c: string) => Float64Array.from(res.trace[c] ?? [], (x) => (x === null ? NaN : x));
    const target = taskSpec(r.task)?.target;
    runs.push({
      task: taskLabel(r),
      entry: r.optimizer,
      tuned: tuned.has(r.optimizer),
      config: r.specId,
      seed: r.seed,
      status: res.status,
      reason: res.divergedReason ?? null,
      step: col('step'),
      loss: col('loss'),
      wallMs: col('wallTime'),
      ...(target && {
        target: { above: target.above, label: target.label },
        evals: (res.testMetrics as Partial<Record<string, number>>[]).flatMap((e) =>
          typeof e.step === 'number' && typeof e[target.column] === 'number' ? [{ step: e.step, value: e[target.column]! }] : [],
        ),
      }),
    });
  }
  return { runs, missing };
}

const fmt = (x: number | null, digits = 3) => (x === null ? '—' : x.toPrecision(digits));

/** The tables, as Markdown. */
export function benchmarkMarkdown(r: BenchmarkResult): string {
  const lines: string[] = [];
  const profile = (title: string, p: Profile) => {
    lines.push(
      `### ${title}`,
      '',
      `| optimizer | ${p.taus.map((t) => `τ=${t}`).join(' | ')} |`,
      `| --- | ${p.taus.map(() => '---').join(' | ')} |`,
    );
    const order = Object.entries(p.rho).sort((a, b) => b[1].reduce((s, x) => s + x, 0) - a[1].reduce((s, x) => s + x, 0));
    for (const [e, rho] of order) lines.push(`| ${e} | ${rho.map((x) => x.toFixed(2)).join(' | ')} |`);
    lines.push('');
  };
  lines.push(
    '### AlgoPerf score',
    '',
    `The integral of each optimizer's performance profile over τ ∈ [1, 4], divided by 3 (AlgoPerf's scoring: a time to target more than 4× ${r.scoreSteps.reference === null ? "the fastest optimizer's" : `${r.scoreSteps.reference}'s`} counts as never; 1 = ${r.scoreSteps.reference === null ? 'fastest on every task' : `never slower than ${r.scoreSteps.reference}`}).`,
    '',
    '| optimizer | score by steps | score by seconds |',
    '| --- | --- | --- |',
  );
  for (const [e, s] of Object.entries(r.scoreSteps.score).sort((a, b) => b[1] - a[1]))
    lines.push(`| ${e} | ${s.toFixed(3)} | ${r.scoreSeconds.score[e]!.toFixed(3)} |`);
  lines.push('');
  profile('Performance profile: fraction of tasks solved within τ × the fewest steps', r.profileSteps);
  profile('Performance profile: fraction of tasks solved within τ × the shortest time', r.profileSeconds);
  for (const t of r.tasks) {
    const fixed = t.fixedTarget !== undefined;
    lines.push(
      `### ${t.task}`,
      '',
      fixed
        ? `Target: ${t.fixedTarget} (a fixed target; reached at the first evaluation whose seed mean is past it).`
        : `Target ${fmt(t.target, 4)} (the lowest smoothed loss of ${t.targetBy ?? '—'}).`,
      '',
    );
    lines.push(
      `| optimizer | config | steps to target | seconds to target | final loss | best loss |${fixed ? ' final test acc. |' : ''} diverged seeds |`,
      `| --- | --- | --- | --- | --- | --- |${fixed ? ' --- |' : ''} --- |`,
    );
    const sorted = [...t.entries].sort((a, b) => (a.stepsToTarget ?? Infinity) - (b.stepsToTarget ?? Infinity));
    for (const e of sorted)
      lines.push(
        `| ${e.entry}${e.tuned ? ' (tuned)' : ''} | ${e.config} | ${e.stepsToTarget === null ? 'not reached' : Math.round(e.stepsToTarget)} | ${fmt(e.secondsToTarget)} | ${fmt(e.finalLoss)} | ${fmt(e.bestLoss)} |${fixed ? ` ${fmt(e.finalValue ?? null, 4)} |` : ''} ${e.diverged}/${e.seeds} |`,
      );
    lines.push('');
  }
  if (r.divergedRuns.length) {
    lines.push(
      `### Diverged runs (${r.divergedRuns.length})`,
      '',
      `Stopped by the engine, a loss that was not finite, or a last loss ${BLOWUP_FACTOR}× the first.`,
      '',
      '| config | task | seeds | why |',
      '| --- | --- | --- | --- |',
      ...divergedGroups(r.divergedRuns).map((g) => `| ${g.config} | ${g.task} | ${g.seeds.join(', ')} | ${g.reason ?? NO_REASON} |`),
    );
  } else lines.push('No run diverged.');
  return `${lines.join('\n')}\n`;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** The performance profile as an SVG step plot: ρ(τ) against τ on a log axis. */
export function profileSvg(p: Profile, title: string): string {
  const W = 640;
  const H = 360;
  const m = { l: 56, r: 170, t: 36, b: 48 };
  const taus = p.taus;
  const lo = Math.log(taus[0]!);
  const hi = Math.log(taus[taus.length - 1]!);
  const x = (t: number) => m.l + ((Math.log(t) - lo) / (hi - lo || 1)) * (W - m.l - m.r);
  const y = (r: number) => H - m.b - r * (H - m.t - m.b);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="20" font-size="14">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${y(0)}" x2="${W - m.r}" y2="${y(0)}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${y(0)}" x2="${m.l}" y2="${y(1)}" stroke="black"/>`,
    ...taus.map((t) => `<text x="${x(t)}" y="${y(0) + 16}" text-anchor="middle">${t}</text>`),
    ...[0, 0.25, 0.5, 0.75, 1].map(
      (r) =>
        `<text x="${m.l - 6}" y="${y(r) + 4}" text-anchor="end">${r}</text><line x1="${m.l}" x2="${W - m.r}" y1="${y(r)}" y2="${y(r)}" stroke="#ddd"/>`,
    ),
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">τ (within this factor of the fastest; log scale)</text>`,
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">fraction of tasks solved</text>`,
  ];
  Object.entries(p.rho).forEach(([e, rho], i) => {
    const c = COLORS[i % COLORS.length]!;
    let d = `M ${x(taus[0]!)} ${y(rho[0]!)}`;
    for (let k = 1; k < taus.length; k++) d += ` H ${x(taus[k]!)} V ${y(rho[k]!)}`;
    parts.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2" data-optimizer="${esc(e)}"/>`);
    parts.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 32}" y1="${m.t + 10 + 18 * i}" y2="${m.t + 10 + 18 * i}" stroke="${c}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${W - m.r + 38}" y="${m.t + 14 + 18 * i}">${esc(e)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Analyses a finished (or partly finished) benchmark sweep and writes its report; returns the result. `reference`:
 * the optimizer entry AlgoPerf's score normalises by (null: the fastest on each task).
 */
export function reportBenchmark(
  spec: SweepSpec,
  out: string,
  { reference = null }: { reference?: string | null } = {},
): { result: BenchmarkResult; markdown: string; files: string[]; missing: number } {
  const { runs, missing } = benchRuns(spec, out);
  const result = analyzeBenchmark(runs, { reference });
  const markdown = benchmarkMarkdown(result);
  const files = [join(out, 'benchmark.md'), join(out, 'profile.svg'), join(out, 'benchmark.json')];
  writeFileSync(files[0]!, markdown);
  writeFileSync(files[1]!, profileSvg(result.profileSteps, `Performance profile (steps to target), ${result.tasks.length} tasks`));
  writeFileSync(files[2]!, JSON.stringify({ kind: 'l4-lab-benchmark', v: 1, spec, result }, null, 1));
  return { result, markdown, files, missing };
}
