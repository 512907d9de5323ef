/**
 * How far a DNC replay (`replayDncGolden`) is from a golden file, measured as golden-dnc/README.md's tolerances are
 * written: forward values and the single step as max |x − ref| / max(1, |ref|), the loss relative, each weight's
 * gradient as max |g − ref| over that weight's largest |ref|. Free of tfjs: the unit tests and the browser check
 * (bench.html?dnc=…) both use it.
 */
import type { DncGolden, DncReplay } from './dncReplay';

type Nested = number | Nested[];

/** A golden file with the reference values (the fields `replayDncGolden` does not need). */
export interface DncGoldenFile extends DncGolden {
  readonly T: number;
  readonly logits: number[][][];
  readonly loss: number;
  readonly grads: Readonly<Record<string, Nested>>;
  readonly trace: Readonly<Record<string, Nested>> & { readonly interface: Readonly<Record<string, Nested>> };
  readonly single_step: DncGolden['single_step'] & { readonly logits: number[][]; readonly state: Readonly<Record<string, Nested>> };
}

/** The README's suggested bounds for float32 (WebGPU may widen them by at most 10×). */
export const DNC_TOLERANCE = { forward: 1e-5, loss: 1e-6, grad: 2e-4 } as const;

export interface DncErrors {
  readonly logits: number;
  /** Every traced field (the interface's as `interface.<name>`); `sort_order` is checked through the per-slot values. */
  readonly trace: Record<string, number>;
  readonly loss: number;
  readonly singleStepLogits: number;
  readonly singleStep: Record<string, number>;
  readonly grads: Record<string, number>;
  /** Names present on one side only, or arrays of another length: each a sentence. */
  readonly mismatches: string[];
}

const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

export function dncErrors(replay: DncReplay, golden: DncGoldenFile): DncErrors {
  const mismatches: string[] = [];
  const scaled = (got: Nested | undefined, ref: Nested, what: string): number => {
    if (got === undefined) {
      mismatches.push(`${what} is missing from the replay.`);
      return Infinity;
    }
    const g = flat(got);
    const r = flat(ref);
    if (g.length !== r.length) {
      mismatches.push(`${what} has ${g.length} entries, the golden file ${r.length}.`);
      return Infinity;
    }
    return r.reduce((m, v, i) => Math.max(m, Math.abs(g[i]! - v) / Math.max(1, Math.abs(v))), 0);
  };
  const { interface: iface, sort_order: _order, ...rest } = golden.trace;
  const refTrace: Record<string, Nested> = { ...rest, ...Object.fromEntries(Object.entries(iface).map(([k, v]) => [`interface.${k}`, v])) };
  for (const k of Object.keys(replay.trace))
    if (!(k in refTrace)) mismatches.push(`The replay traces ${k}, which the golden file does not.`);
  const trace = Object.fromEntries(Object.entries(refTrace).map(([k, v]) => [k, scaled(replay.trace[k], v, `trace ${k}`)]));
  const singleStep = Object.fromEntries(
    Object.entries(golden.single_step.state).map(([k, v]) => [
      k,
      scaled((replay.singleStep.state as Record<string, Nested>)[k], v, `single-step ${k}`),
    ]),
  );
  const grads = Object.fromEntries(
    Object.entries(golden.grads).map(([name, want]) => {
      const got = replay.grads[name];
      const r = flat(want);
      if (got === undefined || flat(got).length !== r.length) {
        mismatches.push(`The gradient of ${name} is missing or has another shape.`);
        return [name, Infinity];
      }
      const g = flat(got);
      const scale = r.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      return [name, r.reduce((m, v, i) => Math.max(m, Math.abs(g[i]! - v)), 0) / scale];
    }),
  );
  for (const k of Object.keys(replay.grads))
    if (!(k in golden.grads)) mismatches.push(`The replay has a gradient for ${k}, which the golden file does not.`);
  return {
    logits: scaled(replay.logits, golden.logits, 'logits'),
    trace,
    loss: Math.abs(replay.loss - golden.loss) / Math.abs(golden.loss),
    singleStepLogits: scaled(replay.singleStep.logits, golden.single_step.logits, 'single-step logits'),
    singleStep,
    grads,
    mismatches,
  };
}

/** The worst error of each kind, over its bound times `widen` (≤ 1 passes). */
export function dncWorst(e: DncErrors, widen = 1): { forward: number; loss: number; grad: number } {
  const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
  return {
    forward:
      max([e.logits, e.singleStepLogits, ...Object.values(e.trace), ...Object.values(e.singleStep)]) / (DNC_TOLERANCE.forward * widen),
    loss: e.loss / (DNC_TOLERANCE.loss * widen),
    grad: max(Object.values(e.grads)) / (DNC_TOLERANCE.grad * widen),
  };
}
