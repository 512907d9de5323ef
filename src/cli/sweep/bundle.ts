/**
 * A sweep's results as the page's run bundles (`l4-lab-run-bundle` v1, what "Import JSON bundle" opens): one
 * bundle per task (with its settings and budget), every run with its run key as id (`r-<key>`), its settings
 * and seed, in grid order. Traces are thinned to `maxPoints` rows per run (evenly, always keeping the first
 * and last step); the full runs stay in `<out>/runs/`. A `sweep` field names the sweep, its grid and run keys.
 * The page reads the format in src/state/bundle.ts (the cli layer may not import it; the e2e test opens these).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, gridPoints, type SweepRun, type SweepSpec } from './spec';

export const DEFAULT_MAX_POINTS = 5000;

/** A run's document as `lab train --out` and the sweep workers write it. */
export interface RunDocument {
  readonly tfjs?: string;
  readonly backend?: string;
  readonly runs: readonly {
    readonly status: string;
    readonly divergedAt: number | null;
    readonly divergedReason?: string;
    readonly stepsPerEpoch?: number;
    readonly trace: Record<string, (number | null)[]>;
    readonly testMetrics: unknown[];
    readonly hyperChanges: unknown[];
  }[];
}

/** Row indexes kept when thinning n rows to at most m (first and last always). */
export function thinIndexes(n: number, m: number): number[] {
  if (n <= m) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: m }, (_, i) => Math.round((i * (n - 1)) / (m - 1)));
}

/**
 * Writes the bundles of every run that has a document (`read(runKey)`, null when it has none yet); returns the
 * files written. One task gives `<out>/<name>.bundle.json`; several give `<out>/<name>.<i>-<task>[-<fn>].bundle.json`.
 */
export function writeSweepBundles(
  spec: SweepSpec,
  runs: readonly SweepRun[],
  out: string,
  read: (runKey: string) => RunDocument | null,
  maxPoints = DEFAULT_MAX_POINTS,
): string[] {
  const groups = new Map<string, SweepRun[]>();
  for (const r of runs) {
    const g = canonicalJson([r.task, r.taskSettings, r.budget, r.backend]);
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const files: string[] = [];
  [...groups.values()].forEach((group, gi) => {
    const first = group[0]!;
    // The page draws one curve per run of its experiment (the seeds' mean and band), matched by id: a, b, …
    const specIds = [...new Set(group.map((r) => r.specId))];
    const shortId = new Map(specIds.map((id, i) => [id, i < 26 ? String.fromCharCode(97 + i) : `r${i}`]));
    const list = group.flatMap((r) => {
      const doc = read(r.runKey);
      const res = doc?.runs[0];
      if (!doc || !res) return [];
      const n = res.trace.step?.length ?? 0;
      const keep = thinIndexes(n, maxPoints);
      return [
        {
          // Named as the page names its runs: the grid point's letter and the seed (a.1, a.2, b.1, …).
          id: `${shortId.get(r.specId)!}.${r.seed}`,
          specId: shortId.get(r.specId)!,
          seed: r.seed,
          optimizer: r.optimizer,
          options: r.optimizerOptions,
          backend: doc.backend ?? r.backend,
          fallbackReason: null,
          tfjs: doc.tfjs ?? null,
          adapter: null,
          status: res.status,
          divergedAt: res.divergedAt,
          reason: res.divergedReason ?? null,
          stepsPerEpoch: res.stepsPerEpoch ?? 1,
          trace: Object.fromEntries(Object.entries(res.trace).map(([c, v]) => [c, keep.map((i) => v[i] ?? null)])),
          evals: res.testMetrics,
          events: res.hyperChanges,
        },
      ];
    });
    const steps =
      'steps' in first.budget ? first.budget.steps : Math.max(1, ...list.map((r) => r.trace.step?.at(-1) ?? 0).map((s) => (s ?? 0) + 1));
    const experiment = {
      v: 1,
      task: first.task,
      taskSettings: first.taskSettings,
      // One run of the experiment per grid point; the bundle's runs carry every seed.
      runs: specIds.map((specId) => {
        const r = group.find((x) => x.specId === specId)!;
        return { id: shortId.get(specId)!, optimizer: r.optimizer, options: r.optimizerOptions };
      }),
      seed: spec.seeds.first,
      seeds: spec.seeds.count,
      steps,
      backend: first.backend,
    };
    const sweep = {
      name: spec.name,
      grid: spec.optimizers.map((o) => ({ optimizer: o.optimizer, options: o.options ?? {}, points: gridPoints(o.grid ?? {}) })),
      seeds: spec.seeds,
      runKeys: group.map((r) => r.runKey),
      /** The grid point of each experiment run id. */
      specs: Object.fromEntries([...shortId].map(([specId, id]) => [id, specId])),
      missing: group.length - list.length,
      maxPoints,
    };
    const fn = typeof first.taskSettings.fn === 'string' ? `-${first.taskSettings.fn}` : '';
    const file = join(out, groups.size === 1 ? `${spec.name}.bundle.json` : `${spec.name}.${gi + 1}-${first.task}${fn}.bundle.json`);
    writeFileSync(
      file,
      JSON.stringify({ kind: 'l4-lab-run-bundle', version: 1, exportedAt: new Date().toISOString(), experiment, sweep, runs: list }),
    );
    files.push(file);
  });
  return files;
}
