/**
 * A run's settings in words, as its record has them: the value of a setting it started with (given, else the
 * optimizer's default) and each live change with the value it replaced ("α 0.15 → 0.3 at step 646"). Free of tfjs.
 */
import type { HyperEvent } from '../engine/trace';
import { optimizerSpec } from '../optim/catalogue';

/** A setting's short name (its symbol, "α", "lr"), or its key when the optimizer does not declare it. */
export function settingSymbol(optimizer: string, key: string): string {
  const s = optimizerSpec(optimizer)?.settings.find((x) => x.key === key);
  return s ? ('symbol' in s ? s.symbol : s.label) : key;
}

/** The value a run started with: the one it was given, else the optimizer's default; undefined when it has no such setting. */
export const startValue = (
  optimizer: string,
  options: Readonly<Record<string, number | string>>,
  key: string,
): number | string | undefined => options[key] ?? optimizerSpec(optimizer)?.defaults[key];

/** Each live change of a run, in order, with the value it replaced: { step 646, text "α 0.15 → 0.3" }. */
export function changeList(
  optimizer: string,
  options: Readonly<Record<string, number | string>>,
  changes: readonly HyperEvent[] = [],
): { step: number; text: string }[] {
  const now: Record<string, number | string | undefined> = {};
  const out: { step: number; text: string }[] = [];
  for (const e of changes)
    for (const [k, v] of Object.entries(e.patch)) {
      const before = k in now ? now[k] : startValue(optimizer, options, k);
      out.push({ step: e.step, text: `${settingSymbol(optimizer, k)} ${before === undefined ? '' : `${String(before)} `}→ ${v}` });
      now[k] = v;
    }
  return out;
}

/** The same as lines: "α 0.15 → 0.3 at step 646". */
export const changeLines = (...args: Parameters<typeof changeList>): string[] =>
  changeList(...args).map((c) => `${c.text} at step ${c.step}`);
