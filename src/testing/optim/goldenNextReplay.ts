import * as tf from '@tensorflow/tfjs';
import { AdEMAMix, Lion, MoMo, MoMoAdam, Muon, ScheduleFreePlus, type TransformOptimizer } from '../../optim';
import { goldenLoss, type GoldenProblem } from './goldenProblems';

type Params = (number[] | number[][])[];

/** A float64 run of the official code in src/optim/__fixtures__/golden-next (its README gives every equation). */
export interface GoldenNext extends GoldenProblem {
  optimizer: string;
  hyper: Record<string, number | boolean | null>;
  steps: number;
  tolerance: number;
  initialParams: Params;
  trace: {
    loss: number;
    eta: number;
    alpha?: number;
    beta3?: number;
    h?: number;
    lb?: number;
    lossX?: number;
    polyakLr?: number;
    ckp1?: number;
  }[];
  finalParams: Params;
  finalEvalParams?: Params;
}

/** The classes that replay the files (MoMo, MoMo-Adam, Muon, ScheduleFree+, AdEMAMix, Lion). */
export const GOLDEN_NEXT_CLASSES: Record<string, (h: never) => TransformOptimizer> = {
  lion: (h) => new Lion(h),
  ademamix: (h) => new AdEMAMix(h),
  momo: (h) => new MoMo(h),
  momoadam: (h) => new MoMoAdam(h),
  muon: (h) => new Muon(h),
  sfplus: (h) => new ScheduleFreePlus(h),
};

/** The files' trace fields and the diagnostics that hold them: the same names, but `eta`, which is `effectiveLr`. */
const TRACED: Record<string, string> = {
  eta: 'effectiveLr',
  alpha: 'alpha',
  beta3: 'beta3',
  h: 'h',
  lb: 'lb',
  polyakLr: 'polyakLr',
  ckp1: 'ckp1',
};

const relErr = (got: number, want: number) => (want === 0 ? Math.abs(got) / 1e-30 : Math.abs(got - want) / Math.abs(want));

export interface GoldenNextReplay {
  /** The largest relative deviation over every traced value and the final parameters. */
  worst: number;
  /** Each value past `tolerance` (the file's, unless given), in words. */
  failures: string[];
  /** Tensors left behind by the replay. */
  leaked: number;
}

/**
 * Replays a file through its public class on the active backend: each step's loss (and the loss at the evaluation
 * point where the file has it) and every traced diagnostic, then the final parameters (and x), against the file.
 */
export async function replayGoldenNext(g: GoldenNext, name: string, tolerance = g.tolerance): Promise<GoldenNextReplay> {
  const before = tf.memory().numTensors;
  const failures: string[] = [];
  const vars = g.initialParams.map((p, i) => tf.tidy(() => tf.variable(tf.tensor(p), true, `next_${name}_${i}_${Math.random()}`)));
  // Each file's `hyper` goes to the class as it is written (nulls included).
  const opt = GOLDEN_NEXT_CLASSES[g.optimizer]!(g.hyper as never);
  const { batchLoss, data } = goldenLoss(g, vars);
  let worst = 0;
  const check = (what: string, e: number) => {
    worst = Math.max(worst, e);
    if (!(e <= tolerance)) failures.push(`${what}: relative deviation ${e.toExponential(2)} over ${tolerance}`);
  };
  if (g.trace.length !== g.steps) failures.push(`the trace has ${g.trace.length} steps, the file says ${g.steps}`);
  for (let t = 0; t < g.steps; t++) {
    const ref = g.trace[t]!;
    const values: [string, number, number][] = [];
    if (ref.lossX !== undefined) {
      // The loss of the same batch at the evaluation point x, before the update.
      const at = opt.evalParams();
      const lossX = tf.tidy(() => {
        const saved = vars.map((v) => tf.clone(v));
        if (at) vars.forEach((v, i) => v.assign(at[i]!));
        const l = batchLoss(t)();
        vars.forEach((v, i) => v.assign(saved[i]!));
        return l;
      });
      values.push(['lossX', (await lossX.data())[0]!, ref.lossX]);
      tf.dispose([lossX, ...(at ?? [])]);
    }
    const cost = tf.tidy(() => opt.minimize(batchLoss(t), true, vars)!);
    values.push(['loss', (await cost.data())[0]!, ref.loss]);
    cost.dispose();
    for (const [field, key] of Object.entries(TRACED)) {
      const want = ref[field as keyof typeof ref];
      if (want !== undefined) values.push([field, (await opt.diagnostics[key]!.data())[0]!, want]);
    }
    for (const [field, got, want] of values) check(`${field} at step ${t} (got ${got}, want ${want})`, relErr(got, want));
  }
  const evalAt = g.finalEvalParams ? opt.evalParams() : null;
  for (const [what, arrays, wanted] of [
    ['final parameters', vars, g.finalParams],
    ['final x (evalParams)', evalAt, g.finalEvalParams],
  ] as const) {
    if (!wanted) continue;
    for (let i = 0; i < wanted.length; i++) {
      const got = (await arrays![i]!.data()) as Float32Array;
      const want = wanted[i]!.flat() as number[];
      check(`${what}, array ${i}`, Math.max(...want.map((x, j) => Math.abs(got[j]! - x))) / Math.max(...want.map(Math.abs)));
    }
  }
  if (evalAt) tf.dispose(evalAt as tf.Tensor[]);
  opt.dispose();
  tf.dispose([...vars, ...data]);
  return { worst, failures, leaked: tf.memory().numTensors - before };
}
