/** Result rows of the benchmarks, free of tfjs so the bench page's main thread stays small. */
export interface PairResult {
  /** The benchmark model ('mlp', 'convnet' or 'dnc'). */
  readonly model?: string;
  readonly a: string;
  readonly b: string;
  readonly msA: number;
  readonly msB: number;
  /** Median of the per-round ratios b/a, and their range. */
  readonly ratio: number;
  readonly range: [number, number];
  /** The per-round ratios, in the order measured (for the median's confidence interval). */
  readonly ratios?: readonly number[];
  /** Time of the very first step of each (shader compilation on GPU backends), ms. */
  readonly firstA: number;
  readonly firstB: number;
  /** Shader programs one step runs (WebGL only), in all and by program. */
  readonly dispatchesA?: number;
  readonly dispatchesB?: number;
  readonly programsA?: Record<string, number>;
  readonly programsB?: Record<string, number>;
}

/**
 * A distribution-free confidence interval of the median of `xs` (order statistics; Hollander & Wolfe, "Nonparametric
 * Statistical Methods", ch. 3): the k-th smallest and k-th largest value, with k the largest for which
 * P(Binomial(n, ½) < k) ≤ (1 − level)/2, so the interval holds the median with probability ≥ level whatever the
 * distribution of the values, if they are independent. Null when n is too small for that level (n ≤ 5 at 95 %).
 */
export function medianInterval(xs: readonly number[], level = 0.95): [number, number] | null {
  const n = xs.length;
  const tail = (1 - level) / 2;
  // P(B < k) summed term by term in log space (2^-n underflows past n ≈ 1074).
  let logTerm = -n * Math.LN2;
  let below = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const next = below + Math.exp(logTerm);
    if (next > tail) break;
    below = next;
    k = i + 1;
    logTerm += Math.log((n - i) / (i + 1));
  }
  if (k === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return [s[k - 1]!, s[n - k]!];
}

export const MODEL_TITLES: Record<string, string> = { mlp: 'MNIST MLP', convnet: 'ConvNet', dnc: 'DNC (Fig. 6)' };

const interval = (r: PairResult) => {
  const ci = r.ratios ? medianInterval(r.ratios) : null;
  return ci ? `${ci[0].toFixed(3)}–${ci[1].toFixed(3)}` : '—';
};

/** A table row; `extra` adds the browser bench's columns (first step, WebGL programs). */
export function formatRow(backend: string, r: PairResult, extra = false, digits = 2): string {
  const cells = [
    MODEL_TITLES[r.model ?? 'mlp'] ?? r.model,
    backend,
    r.a,
    r.msA.toFixed(digits),
    r.b,
    r.msB.toFixed(digits),
    `**${r.ratio.toFixed(3)}**`,
    interval(r),
    `${r.range[0].toFixed(2)}–${r.range[1].toFixed(2)}`,
    ...(extra ? [String(Math.round(r.firstA)), r.dispatchesA === undefined ? '' : `${r.dispatchesA} / ${r.dispatchesB}`] : []),
  ];
  return `| ${cells.join(' | ')} |`;
}

const COLUMNS = [
  'model',
  'backend',
  'baseline',
  'ms/step',
  'L4 / other',
  'ms/step',
  'ratio (median of rounds)',
  '95 % CI of the median',
  'ratio range',
];

/** The table's header; `extra` as in formatRow. */
export function tableHeader(extra = false): string {
  const cols = [...COLUMNS, ...(extra ? ['first step, ms', 'WebGL programs per step'] : [])];
  return `| ${cols.join(' | ')} |\n| ${cols.map(() => '---').join(' | ')} |`;
}
