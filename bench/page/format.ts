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
  /** Time of the very first step of each (shader compilation on GPU backends), ms. */
  readonly firstA: number;
  readonly firstB: number;
  /** Shader programs one step runs (WebGL only), in all and by program. */
  readonly dispatchesA?: number;
  readonly dispatchesB?: number;
  readonly programsA?: Record<string, number>;
  readonly programsB?: Record<string, number>;
}

export const MODEL_TITLES: Record<string, string> = { mlp: 'MNIST MLP', convnet: 'ConvNet', dnc: 'DNC (Fig. 6)' };

export function formatRow(backend: string, r: PairResult): string {
  return `| ${MODEL_TITLES[r.model ?? 'mlp'] ?? r.model} | ${backend} | ${r.a} | ${r.msA.toFixed(2)} | ${r.b} | ${r.msB.toFixed(2)} | **${r.ratio.toFixed(3)}** | ${r.range[0].toFixed(2)}–${r.range[1].toFixed(2)} |`;
}

export const TABLE_HEADER =
  '| model | backend | baseline | ms/step | L4 / other | ms/step | ratio (median of rounds) | ratio range |\n| --- | --- | --- | --- | --- | --- | --- | --- |';
