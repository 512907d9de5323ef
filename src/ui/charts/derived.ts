/**
 * The derived curves the charts show, for the JSON bundle: the paired difference of the chosen
 * pair (per bucket: the mean of log(L_A/L_B) over the shared seeds, its 95 % band and the seed count) and, after a
 * tuning grid, the tuned learning rates shown beside L4's η. The charts register what they draw; the export reads it.
 */
import { drawnFor, type ChartView } from './chartData';
import type { ChartSpec } from './chartSpecs';
import type { TunedRates } from './MetricChart';

let source: { readonly view: ChartView; readonly charts: readonly ChartSpec[]; readonly tuned: TunedRates | null } | null = null;

export function setDerivedSource(s: typeof source): void {
  source = s;
}

export function derivedCurves(): Record<string, unknown> | null {
  if (!source) return null;
  const { view, charts, tuned } = source;
  const out: Record<string, unknown> = {};
  const paired = charts.find((c) => c.paired);
  if (paired && view.pair) {
    const d = drawnFor(paired, view)[0];
    if (d)
      out.pairedDifference = {
        a: view.pair[0],
        b: view.pair[1],
        name: d.name,
        column: paired.column,
        x: view.xMode,
        points: d.raw.map((p) => ({ x: p.x, mean: p.y, lo: p.lo, hi: p.hi, seeds: p.n })),
      };
  }
  if (tuned) out.tunedRates = { ...tuned };
  return Object.keys(out).length ? out : null;
}
