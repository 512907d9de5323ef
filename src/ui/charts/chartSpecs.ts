import { diagnosticsOf, LOSS_COLUMN } from '../../optim/catalogue';
import type { DiagnosticSpec } from '../../optim/settings';

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
}

const TEST_CHARTS: readonly ChartSpec[] = [
  { id: 'testAccuracy', title: 'Test accuracy', column: 'testAccuracy', log: false, evals: true },
  { id: 'testLoss', title: 'Test loss', column: 'testLoss', log: true, evals: true },
];

/**
 * The charts of an experiment, from what its optimizers declare (optim/catalogue.ts): the loss, then one chart
 * per plotted diagnostic (the common ones first, then each rule's own, each once), companions drawn dashed on
 * the chart they belong to; test charts only when the task has a test set.
 */
export function chartsFor(optimizers: readonly string[], hasTest: boolean): ChartSpec[] {
  const byKey = new Map<string, DiagnosticSpec>([[LOSS_COLUMN.key, LOSS_COLUMN]]);
  for (const o of optimizers) for (const d of diagnosticsOf(o)) if (!byKey.has(d.key)) byKey.set(d.key, d);
  const all = [...byKey.values()];
  const charts = all
    .filter((d) => d.plot !== false && d.companionOf === undefined)
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
  return hasTest ? [...charts, ...TEST_CHARTS] : charts;
}
