import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DAdaptAdam, DoG, Prodigy, ScheduleFreeAdamW, ScheduleFreeSGD, type TransformOptimizer } from '../index';
import { goldenLoss, type GoldenProblem } from '../../testing/optim/goldenProblems';

type Params = (number[] | number[][])[];

/** The float64 reference runs of ../shared/golden-peers (see __fixtures__/golden-peers/README.md). */
interface GoldenPeer extends GoldenProblem {
  optimizer: 'prodigy' | 'dadaptadam' | 'dog' | 'sfadamw' | 'sfsgd';
  hyper: Record<string, number | boolean | null>;
  steps: number;
  tolerance: number;
  initialParams: Params;
  trace: { loss: number; eta: number; d?: number; dHat?: number; rbar?: number; G?: number; lossX?: number; ckp1?: number }[];
  finalParams: Params;
  finalEvalParams?: Params;
  finalAvgParams?: Params;
}

const dir = join(__dirname, '..', '__fixtures__', 'golden-peers');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** Each file's `hyper` goes to the public class as it is written (nulls included). */
function optimizerFor(g: GoldenPeer): TransformOptimizer {
  const h = g.hyper as never;
  switch (g.optimizer) {
    case 'prodigy':
      return new Prodigy(h);
    case 'dadaptadam':
      return new DAdaptAdam(h);
    case 'dog':
      return new DoG(h);
    case 'sfadamw':
      return new ScheduleFreeAdamW(h);
    case 'sfsgd':
      return new ScheduleFreeSGD(h);
  }
}

const TRACED = ['eta', 'd', 'dHat', 'rbar', 'G', 'ckp1'] as const;
const DIAGNOSTIC: Record<(typeof TRACED)[number], string> = {
  eta: 'effectiveLr',
  d: 'd',
  dHat: 'dHat',
  rbar: 'rbar',
  G: 'G',
  ckp1: 'ckp1',
};

/** |got − want|/|want|, with an exact zero wanted (dHat at step 0) held to an absolute 1e-30. */
function relErr(got: number, want: number): number {
  return want === 0 ? Math.abs(got) / 1e-30 : Math.abs(got - want) / Math.abs(want);
}

async function arrayErr(got: tf.Tensor, want: number[] | number[][]): Promise<number> {
  const g = (await got.data()) as Float32Array;
  const w = want.flat() as number[];
  expect(g.length).toBe(w.length);
  const scale = Math.max(...w.map(Math.abs));
  return Math.max(...w.map((x, j) => Math.abs(g[j]! - x))) / scale;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('golden float64 traces of the learning-rate-free peers, through the public classes', () => {
  it('has the ten reference files', () => {
    expect(files.sort()).toEqual(
      ['dadaptadam', 'dog', 'prodigy', 'sfadamw', 'sfsgd'].flatMap((o) => [`linreg-${o}.json`, `mlp-${o}.json`]).sort(),
    );
  });

  for (const file of files) {
    const g = JSON.parse(readFileSync(join(dir, file), 'utf8')) as GoldenPeer;
    it(`${file}: every traced value and the final parameters within the file's tolerance ${g.tolerance}`, async () => {
      const before = tf.memory().numTensors;
      const vars = g.initialParams.map((p, i) => tf.tidy(() => tf.variable(tf.tensor(p), true, `peer_${file}_${i}`)));
      const opt = optimizerFor(g);
      const { batchLoss, data } = goldenLoss(g, vars);
      const worst: Record<string, number> = {};
      const check = (name: string, got: number, want: number, t: number) => {
        const e = relErr(got, want);
        worst[name] = Math.max(worst[name] ?? 0, e);
        expect(e, `${name} at step ${t}: got ${got}, want ${want}`).toBeLessThanOrEqual(g.tolerance);
      };
      expect(g.trace.length).toBe(g.steps);
      for (let t = 0; t < g.steps; t++) {
        const ref = g.trace[t]!;
        if (ref.lossX !== undefined) {
          // The loss of the same batch at the evaluation point x, before the update.
          const evalAt = opt.evalParams();
          const at = evalAt ?? vars;
          const lossX = tf.tidy(() => {
            const saved = vars.map((v) => tf.clone(v));
            vars.forEach((v, i) => v.assign(at[i]!));
            const l = batchLoss(t)();
            vars.forEach((v, i) => v.assign(saved[i]!));
            return l;
          });
          check('lossX', (await lossX.data())[0]!, ref.lossX, t);
          tf.dispose([lossX, ...(evalAt ?? [])]);
        }
        const cost = tf.tidy(() => opt.minimize(batchLoss(t), true, vars)!);
        check('loss', (await cost.data())[0]!, ref.loss, t);
        cost.dispose();
        for (const name of TRACED) {
          const want = ref[name];
          if (want === undefined) continue;
          check(name, (await opt.diagnostics[DIAGNOSTIC[name]]!.data())[0]!, want, t);
        }
      }
      const finals: [string, readonly tf.Tensor[] | null, Params | undefined][] = [
        ['final parameters', vars, g.finalParams],
        ['final x (evalParams)', g.finalEvalParams ? opt.evalParams() : null, g.finalEvalParams],
        ['final average (averagedParams)', g.finalAvgParams ? (opt as DoG).averagedParams() : null, g.finalAvgParams],
      ];
      for (const [what, got, want] of finals) {
        if (!want) continue;
        expect(got, what).not.toBeNull();
        for (let i = 0; i < want.length; i++) {
          const e = await arrayErr(got![i]!, want[i]!);
          worst[what] = Math.max(worst[what] ?? 0, e);
          expect(e, `${what}, array ${i}`).toBeLessThanOrEqual(g.tolerance);
        }
        if (got !== vars) tf.dispose(got as tf.Tensor[]);
      }
      opt.dispose();
      tf.dispose([...vars, ...data]);
      console.log(
        `${file}: worst ${Object.entries(worst)
          .map(([k, v]) => `${k} ${v.toExponential(1)}`)
          .join(', ')} (tolerance ${g.tolerance})`,
      );
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
