/**
 * Settings as data: the one description of a setting (name, label, default, domain, log scale, whether it may
 * change live) that the library, the engine, the page, the URL codec, the CLI and the tests all read.
 * Free of tfjs, so the page's main thread can import it.
 */

/** A numeric setting and its domain. */
export interface ParamSpec {
  readonly key: string;
  /** Spelled out, as a control's label says it ("alpha", "learning rate"). */
  readonly label: string;
  readonly symbol: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly minOpen: boolean;
  readonly maxOpen: boolean;
  /** Shown and swept on a log axis. */
  readonly log: boolean;
  readonly integer?: boolean;
  /** The range of a slider beside the number field. */
  readonly slider?: readonly [number, number];
  /** May change while a run trains (from its next step; the trace records it): the rule's own settings. */
  readonly live?: boolean;
  /** Accepted everywhere, but not shown in the experiment builder (library-level detail such as ε). */
  readonly advanced?: boolean;
  /** No default: absent means "the owner decides" (e.g. a start point that depends on the function). */
  readonly optional?: boolean;
  /** One line for `--help` and tooltips. */
  readonly help?: string;
}

/** A setting chosen from names. */
export interface ChoiceSpec {
  readonly key: string;
  readonly label: string;
  readonly choices: readonly string[];
  readonly default: string;
  /** How a run's label names a choice other than the default ("TensorFlow ε"). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly advanced?: boolean;
  readonly optional?: boolean;
  readonly help?: string;
}

export type SettingSpec = ParamSpec | ChoiceSpec;

/** A setting's value: a number, or the name of a choice. */
export type SettingValue = number | string;

export const isChoice = (s: SettingSpec): s is ChoiceSpec => 'choices' in s;

/** Whether a setting may change while a run trains. */
export const isLive = (s: SettingSpec): s is ParamSpec => !isChoice(s) && s.live === true;

/** A value a run records per step beyond the loss, and how to show it. */
export interface DiagnosticSpec {
  readonly key: string;
  /** A chart's title. */
  readonly label: string;
  /** Short, for a table's header or a legend. */
  readonly symbol: string;
  /** Plotted (and averaged over seeds) on a log axis. */
  readonly log: boolean;
  /** Drawn dashed on the chart of this other column (L_min on the loss's, the numerator on gᵀv's). */
  readonly companionOf?: string;
  /** False for bookkeeping that is exported but not charted (the flags). */
  readonly plot?: boolean;
  /** Charted only once some run's value is not zero (the count of skipped steps). */
  readonly whenNonZero?: boolean;
}

/** A numeric setting: log-scaled, open below and closed above unless `o` says otherwise. Its key's type is kept (`SettingsOf`). */
export const paramSpec = <const K extends string, const O extends Partial<ParamSpec> = object>(
  key: K,
  label: string,
  symbol: string,
  def: number,
  min: number,
  max: number,
  o: O = {} as O,
): ParamSpec & { readonly key: K } & O => ({ key, label, symbol, default: def, min, max, minOpen: true, maxOpen: false, log: true, ...o });

export const choiceSpec = <const K extends string, const C extends string, const O extends Partial<ChoiceSpec> = object>(
  key: K,
  label: string,
  choices: readonly C[],
  o: O = {} as O,
): ChoiceSpec & { readonly key: K; readonly choices: readonly C[]; readonly default: C } & O => ({
  key,
  label,
  choices,
  default: choices[0]!,
  ...o,
});

type ValueOf<E> = E extends { readonly choices: readonly (infer C)[] } ? C : number;

/**
 * The settings object a list of specs describes, derived from the specs themselves: a number per numeric setting,
 * the choice names per choice, optional settings optional. A spec's keys are then written once.
 */
export type SettingsOf<S extends readonly SettingSpec[]> = {
  readonly [E in S[number] as E extends { readonly optional: true } ? never : E['key']]: ValueOf<E>;
} & { readonly [E in S[number] as E extends { readonly optional: true } ? E['key'] : never]?: ValueOf<E> };

/** The defaults of a list of specs (optional settings without a value are absent). */
export const defaultsOf = <S extends readonly SettingSpec[]>(specs: S): SettingsOf<S> =>
  Object.fromEntries(specs.filter((s) => !s.optional).map((s) => [s.key, s.default])) as SettingsOf<S>;

const fmt = (x: number) => (x === Infinity ? '∞' : x === -Infinity ? '−∞' : String(x));

/** The domain as an interval, e.g. "(0, 10]". */
export const rangeOf = (spec: ParamSpec): string =>
  `${spec.minOpen || spec.min === -Infinity ? '(' : '['}${fmt(spec.min)}, ${fmt(spec.max)}${spec.maxOpen || spec.max === Infinity ? ')' : ']'}`;

/**
 * Checks one value against its spec; returns a sentence naming the setting (by default its label and
 * symbol, as the page shows them), or null when valid.
 */
export function checkParam(
  spec: ParamSpec,
  value: number,
  name = spec.symbol === spec.label ? spec.label : `${spec.label} (${spec.symbol})`,
): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a number.`;
  const lo = spec.minOpen ? value > spec.min : value >= spec.min;
  const hi = spec.maxOpen ? value < spec.max : value <= spec.max;
  if (!lo || !hi) return `${name} must be in ${rangeOf(spec)}, got ${value}.`;
  if (spec.integer && !Number.isInteger(value)) return `${name} must be a whole number, got ${value}.`;
  return null;
}

/** Checks any value against a setting's spec; a sentence, or null when valid. */
export function checkSetting(spec: SettingSpec, value: unknown): string | null {
  if (isChoice(spec)) {
    return typeof value === 'string' && spec.choices.includes(value)
      ? null
      : `${spec.label} must be one of ${spec.choices.join(', ')}, got ${JSON.stringify(value)}.`;
  }
  return checkParam(spec, value as number);
}

/** A setting that was misspelt, out of its domain or of the wrong kind. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/**
 * Throws a `SettingsError` when `given` has a key outside `valid` (a misspelt option that would otherwise be
 * dropped without a word), naming the valid ones.
 */
export function refuseUnknown(owner: string, given: object, valid: readonly string[]): void {
  const bad = Object.keys(given).filter((k) => !valid.includes(k) && (given as Record<string, unknown>)[k] !== undefined);
  if (bad.length > 0)
    throw new SettingsError(
      `${owner} has no setting${bad.length > 1 ? 's' : ''} ${bad.map((k) => `"${k}"`).join(', ')}. Valid: ${valid.join(', ')}.`,
    );
}

/** The sentence for a key that `owner` does not have, naming the valid ones; null when every key is known. */
export function unknownKeys(
  owner: string,
  specs: readonly SettingSpec[],
  keys: Iterable<string>,
  extra: readonly string[] = [],
): string | null {
  const valid = [...specs.map((s) => s.key), ...extra];
  const bad = [...keys].filter((k) => !valid.includes(k));
  if (bad.length === 0) return null;
  const names = bad.map((k) => `"${k}"`).join(', ');
  return `${owner} has no setting${bad.length > 1 ? 's' : ''} ${names}. Valid: ${valid.length ? valid.join(', ') : 'none'}.`;
}

/**
 * Every setting of `specs` from `given`, defaults filled in; throws a `SettingsError` naming an unknown key
 * (with the valid ones) or a value outside its domain. Optional settings without a value stay absent.
 */
export function resolveSettings(
  owner: string,
  specs: readonly SettingSpec[],
  given: Readonly<Record<string, unknown>>,
  extra: readonly string[] = [],
): Record<string, number | string> {
  const unknown = unknownKeys(
    owner,
    specs,
    Object.keys(given).filter((k) => given[k] !== undefined),
    extra,
  );
  if (unknown) throw new SettingsError(unknown);
  const out: Record<string, number | string> = {};
  for (const s of specs) {
    const v = given[s.key];
    if (v === undefined) {
      if (!s.optional) out[s.key] = s.default;
      continue;
    }
    const problem = checkSetting(s, v);
    if (problem) throw new SettingsError(`${owner}: ${problem}`);
    out[s.key] = v as number | string;
  }
  return out;
}

/** Parses a command-line or URL value for a setting: a number for numeric settings, the name for choices. */
export function parseSettingValue(spec: SettingSpec, raw: string): number | string {
  if (isChoice(spec)) return raw;
  const x = raw.trim() === '' ? NaN : Number(raw);
  return x;
}

/** One line per setting, for `--help`. */
export function describeSettings(specs: readonly SettingSpec[]): string[] {
  return specs.map((s) =>
    isChoice(s)
      ? `${s.key}=<${s.choices.join('|')}>  ${s.label} (default ${s.default})`
      : `${s.key}=<x>  ${s.label}${s.symbol !== s.label ? ` ${s.symbol}` : ''} in ${rangeOf(s)}${s.optional ? '' : ` (default ${fmt(s.default)})`}${isLive(s) ? ', live' : ''}`,
  );
}
