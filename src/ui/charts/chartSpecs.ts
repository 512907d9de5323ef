import { diagnosticsOf, LOSS_COLUMN, STEP_QUALITY_SPECS } from '../../optim/catalogue';
import type { DiagnosticSpec } from '../../lib/settings';

export type EvalColumn = 'testAccuracy' | 'testLoss';

export interface ChartSpec {
  /** The column drawn solid; also the chart's test id (`chart.<id>`). */
  readonly id: string;
  readonly title: string;
  readonly column: string;
  /** A column drawn dashed on the same axes (L_min with the loss, the numerator with gᵀv, uncapped η with η). */
  readonly companion?: string;
  readonly companionName?: string;
  readonly log: boolean;
  /** Test metrics come from evaluations, not from the step columns. */
  readonly evals?: boolean;
  /** Derived: the paired difference of two run specs' `column` on the same seeds (a linear axis around 0). */
  readonly paired?: boolean;
  /** The step-quality ratio: a fixed axis with the overshoot region (≤ 0) shaded and guides at ½ and 1. */
  readonly quality?: boolean;
}

/** The paired difference of the loss of two compared optimizers: log(L_A/L_B) per seed, mean and 95 % band. */
export const PAIRED_LOSS_CHART: ChartSpec = {
  id: 'pairedLoss',
  title: 'Paired difference of the loss, log(L_A / L_B) on the same seeds: mean and 95 % band (below 0: A is lower)',
  column: 'loss',
  log: false,
  paired: true,
};

const TEST_CHARTS: readonly ChartSpec[] = [
  { id: 'testAccuracy', title: 'Test accuracy', column: 'testAccuracy', log: false, evals: true },
  { id: 'testLoss', title: 'Test loss', column: 'testLoss', log: true, evals: true },
];

/**
 * The charts of an experiment, from what its optimizers declare (optim/catalogue.ts): the loss, then one chart
 * per plotted diagnostic (the common ones first, then each rule's own, each once), companions drawn dashed on
 * the chart they belong to; with two or more run specs, the paired difference of the loss after the loss; test
 * charts only when the task has a test set. A diagnostic charted only when not zero (the skipped steps) is charted
 * once its key is in `nonZero`.
 */
export function chartsFor(
  optimizers: readonly string[],
  hasTest: boolean,
  stepQuality = false,
  nonZero: ReadonlySet<string> = new Set(),
): ChartSpec[] {
  const q = STEP_QUALITY_SPECS.find((d) => d.key === 'stepQuality')!;
  const quality: ChartSpec[] = stepQuality ? [{ id: q.key, title: q.label, column: q.key, log: false, quality: true }] : [];
  const paired = optimizers.length >= 2 ? [PAIRED_LOSS_CHART] : [];
  const byKey = new Map<string, DiagnosticSpec>([[LOSS_COLUMN.key, LOSS_COLUMN]]);
  for (const o of optimizers) for (const d of diagnosticsOf(o)) if (!byKey.has(d.key)) byKey.set(d.key, d);
  const all = [...byKey.values()];
  const charts = all
    .filter((d) => d.plot !== false && d.companionOf === undefined && (!d.whenNonZero || nonZero.has(d.key)))
    .map((d): ChartSpec => {
      const companion = all.find((c) => c.companionOf === d.key);
      return {
        id: d.key,
        title: companion ? `${d.label} (dashed: ${companion.label})` : d.label,
        column: d.key,
        log: d.log,
        ...(companion ? { companion: companion.key, companionName: companion.symbol } : {}),
      };
    });
  return [...charts.slice(0, 1), ...paired, ...charts.slice(1), ...quality, ...(hasTest ? TEST_CHARTS : [])];
}
