import { useMemo } from 'react';
import { useTuning } from '../../state/tuning';
import type { TunedRates } from './MetricChart';

/** "L4 discovers a schedule": a finished tuning grid's rates, drawn beside L4's η (a string key: a stable selector). */
export function useTunedRates(): TunedRates | null {
  const tunedKey = useTuning((t) => {
    const rates = t.results.filter((r) => r.final !== null && Number.isFinite(r.final)).map((r) => r.lr);
    return t.status === 'done' && t.best && rates.length
      ? `${Math.min(...rates)},${Math.max(...rates)},${t.best.lr},${t.specId ?? ''}`
      : '';
  });
  return useMemo<TunedRates | null>(() => {
    if (!tunedKey) return null;
    const [lo, hi, best, spec] = tunedKey.split(',');
    return { lo: Number(lo), hi: Number(hi), best: Number(best), spec: spec! };
  }, [tunedKey]);
}
