import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdEMAMix, Lion, MoMo, MoMoAdam, Muon, ScheduleFreePlus, type TransformOptimizer } from '../index';
import { goldenLoss, type GoldenProblem } from '../../testing/optim/goldenProblems';

type Params = (number[] | number[][])[];

/** The float64 runs of the official code in src/optim/__fixtures__/golden-next (its README gives every equation). */
interface GoldenNext extends GoldenProblem {
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

const dir = join(__dirname, '..', '__fixtures__', 'golden-next');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** The optimizers of the files replayed here (the others of the folder are MoMo, MoMo-Adam, Muon, ScheduleFree+). */
const CLASSES: Record<string, (h: never) => TransformOptimizer> = {
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

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

describe('golden float64 runs of the official MoMo, MoMo-Adam, Muon, ScheduleFree+, AdEMAMix and Lion, through the public classes', () => {
  const replayed = files.filter((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).optimizer in CLASSES);
  it('replays every file: the six optimizers, thirty-four runs', () => {
    const tags = ['lion', 'lion-wd', 'ademamix', 'ademamix-warm-wd', 'momo', 'momo-star', 'momo-bc-wd', 'momo-star-lb-wd'];
    tags.push('momoadam', 'momoadam-star', 'momoadam-nodiv-wd', 'momoadam-star-lb-wd', 'muon', 'muon-wd');
    tags.push('sfplus', 'sfplus-anneal-cw-wd', 'sfplus-pb');
    expect(replayed.sort()).toEqual(tags.flatMap((t) => [`linreg-${t}.json`, `mlp-${t}.json`]).sort());
  });

  for (const backend of ['cpu', 'wasm'] as const)
    for (const file of replayed) {
      const g = JSON.parse(readFileSync(join(dir, file), 'utf8')) as GoldenNext;
      it(`${backend}, ${file}: every traced value and the final parameters within the file's tolerance ${g.tolerance}`, async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        const before = tf.memory().numTensors;
        const vars = g.initialParams.map((p, i) => tf.tidy(() => tf.variable(tf.tensor(p), true, `next_${file}_${i}`)));
        // Each file's `hyper` goes to the class as it is written (nulls included).
        const opt = CLASSES[g.optimizer]!(g.hyper as never);
        const { batchLoss, data } = goldenLoss(g, vars);
        let worst = 0;
        expect(g.trace.length).toBe(g.steps);
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
          for (const [name, key] of Object.entries(TRACED)) {
            const want = ref[name as keyof typeof ref];
            if (want !== undefined) values.push([name, (await opt.diagnostics[key]!.data())[0]!, want]);
          }
          for (const [name, got, want] of values) {
            worst = Math.max(worst, relErr(got, want));
            expect(relErr(got, want), `${name} at step ${t}: got ${got}, want ${want}`).toBeLessThanOrEqual(g.tolerance);
          }
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
            const e = Math.max(...want.map((x, j) => Math.abs(got[j]! - x))) / Math.max(...want.map(Math.abs));
            worst = Math.max(worst, e);
            expect(e, `${what}, array ${i}`).toBeLessThanOrEqual(g.tolerance);
          }
        }
        if (evalAt) tf.dispose(evalAt as tf.Tensor[]);
        opt.dispose();
        tf.dispose([...vars, ...data]);
        console.log(`${backend}, ${file}: worst ${worst.toExponential(1)} (tolerance ${g.tolerance})`);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
});
