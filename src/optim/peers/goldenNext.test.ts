import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdEMAMix, Lion, MoMo, MoMoAdam, Muon, type TransformOptimizer } from '../index';
import { goldenLoss, type GoldenProblem } from '../../testing/optim/goldenProblems';

type Params = (number[] | number[][])[];

/** The float64 runs of the official code in src/optim/__fixtures__/golden-next (its README gives every equation). */
interface GoldenNext extends GoldenProblem {
  optimizer: string;
  hyper: Record<string, number | boolean | null>;
  steps: number;
  tolerance: number;
  initialParams: Params;
  trace: { loss: number; eta: number; alpha?: number; beta3?: number; h?: number; lb?: number }[];
  finalParams: Params;
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
};
const TRACED: Record<string, string> = { eta: 'effectiveLr', alpha: 'mixAlpha', beta3: 'slowBeta', h: 'modelValue', lb: 'lowerBound' };

const relErr = (got: number, want: number) => (want === 0 ? Math.abs(got) / 1e-30 : Math.abs(got - want) / Math.abs(want));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('golden float64 runs of the official Lion, AdEMAMix, MoMo, MoMo-Adam and Muon, through the public classes', () => {
  const replayed = files.filter((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).optimizer in CLASSES);
  it('replays the twenty-eight files of Lion, AdEMAMix, MoMo, MoMo-Adam and Muon', () => {
    const tags = ['lion', 'lion-wd', 'ademamix', 'ademamix-warm-wd', 'momo', 'momo-star', 'momo-bc-wd', 'momo-star-lb-wd'];
    tags.push('momoadam', 'momoadam-star', 'momoadam-nodiv-wd', 'momoadam-star-lb-wd', 'muon', 'muon-wd');
    expect(replayed.sort()).toEqual(tags.flatMap((t) => [`linreg-${t}.json`, `mlp-${t}.json`]).sort());
  });

  for (const file of replayed) {
    const g = JSON.parse(readFileSync(join(dir, file), 'utf8')) as GoldenNext;
    it(`${file}: every traced value and the final parameters within the file's tolerance ${g.tolerance}`, async () => {
      const before = tf.memory().numTensors;
      const vars = g.initialParams.map((p, i) => tf.tidy(() => tf.variable(tf.tensor(p), true, `next_${file}_${i}`)));
      // Each file's `hyper` goes to the class as it is written (nulls included).
      const opt = CLASSES[g.optimizer]!(g.hyper as never);
      const { batchLoss, data } = goldenLoss(g, vars);
      let worst = 0;
      expect(g.trace.length).toBe(g.steps);
      for (let t = 0; t < g.steps; t++) {
        const ref = g.trace[t]!;
        const cost = tf.tidy(() => opt.minimize(batchLoss(t), true, vars)!);
        const values: [string, number, number][] = [['loss', (await cost.data())[0]!, ref.loss]];
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
      for (let i = 0; i < g.finalParams.length; i++) {
        const got = (await vars[i]!.data()) as Float32Array;
        const want = g.finalParams[i]!.flat() as number[];
        const e = Math.max(...want.map((x, j) => Math.abs(got[j]! - x))) / Math.max(...want.map(Math.abs));
        worst = Math.max(worst, e);
        expect(e, `final parameters, array ${i}`).toBeLessThanOrEqual(g.tolerance);
      }
      opt.dispose();
      tf.dispose([...vars, ...data]);
      console.log(`${file}: worst ${worst.toExponential(1)} (tolerance ${g.tolerance})`);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
