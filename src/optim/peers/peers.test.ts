import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdEMAMix,
  DAdaptAdam,
  DoG,
  Lion,
  MoMo,
  MoMoAdam,
  Muon,
  Prodigy,
  ScheduleFreePlus,
  ScheduleFreeAdamW,
  ScheduleFreeSGD,
  SettingsError,
  StepFlags,
  type TransformOptimizer,
} from '../index';

const PEERS: [string, (s?: object) => TransformOptimizer][] = [
  ['Prodigy', (s) => new Prodigy(s)],
  ['DAdaptAdam', (s) => new DAdaptAdam(s)],
  ['DoG', (s) => new DoG(s)],
  ['ScheduleFreeAdamW', (s) => new ScheduleFreeAdamW({ lr: 0.05, ...s })],
  ['ScheduleFreeSGD', (s) => new ScheduleFreeSGD({ lr: 0.1, ...s })],
  ['Lion', (s) => new Lion({ lr: 0.05, ...s })],
  ['AdEMAMix', (s) => new AdEMAMix({ lr: 0.05, ...s })],
  ['MoMo', (s) => new MoMo(s)],
  ['MoMoAdam', (s) => new MoMoAdam({ lr: 0.1, ...s })],
  ['Muon', (s) => new Muon({ adamLr: 0.05, ...s })],
  ['ScheduleFreePlus', (s) => new ScheduleFreePlus(s)],
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A quadratic ½‖θ − 1‖² on two variables, stepped `n` times; returns the parameters. */
async function train(opt: TransformOptimizer, n: number, poison?: number): Promise<number[]> {
  const a = tf.tidy(() => tf.variable(tf.tensor1d([3, -2]), true, `peer_a_${Math.random()}`));
  const b = tf.tidy(() => tf.variable(tf.tensor2d([[0.5], [4]]), true, `peer_b_${Math.random()}`));
  for (let t = 0; t < n; t++) {
    tf.tidy(() => {
      const f = () => {
        const l = tf.add(tf.sum(tf.square(tf.sub(a, 1))), tf.sum(tf.square(tf.sub(b, 1)))).mul(0.5) as tf.Scalar;
        return t === poison ? (tf.mul(l, NaN) as tf.Scalar) : l;
      };
      opt.minimize(f, false, [a, b]);
    });
  }
  // Optimizers that read the loss keep each step's flags until they are read back (checkLastStep).
  await opt.checkLastStep();
  const out = [...(await a.data()), ...(await b.data())];
  tf.dispose([a, b]);
  return out;
}

describe('the learning-rate-free peers', () => {
  for (const [name, make] of PEERS) {
    it(`${name}: a misspelt or out-of-domain setting is a sentence naming it`, () => {
      expect(() => make({ learningRate: 1 })).toThrow(SettingsError);
      expect(() => make({ learningRate: 1 })).toThrow(/"learningRate".*Valid: lr, /);
      expect(() => make({ lr: -1 })).toThrow(/lr must be in \(0, ∞\), got -1/);
    });

    it(`${name}: descends on a quadratic, and a NaN gradient leaves the parameters as they were (flagged, η = 0)`, async () => {
      const before = tf.memory().numTensors;
      const opt = make();
      const start = [3, -2, 0.5, 4];
      const dist = (p: number[]) => Math.hypot(...p.map((x) => x - 1));
      const after = await train(opt, 200);
      expect(dist(after)).toBeLessThan(0.5 * dist(start));
      opt.dispose();

      const poisoned = make();
      const once = await train(poisoned, 1, 0);
      expect(once).toEqual(start);
      expect((await poisoned.diagnostics.flags!.data())[0]! & StepFlags.nonFiniteDirection).toBe(StepFlags.nonFiniteDirection);
      expect((await poisoned.diagnostics.effectiveLr!.data())[0]).toBe(0);
      poisoned.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('settings change live and are validated: Schedule-Free SGD’s lr set after step 1 is the η of step 2', async () => {
    const opt = new ScheduleFreeSGD({ lr: 0.1 });
    const a = tf.variable(tf.tensor1d([3]), true, 'peer_live');
    const step = () => tf.tidy(() => void opt.minimize(() => tf.sum(tf.square(a)) as tf.Scalar, false, [a]));
    step();
    expect(() => opt.setHyper({ lr: -1 })).toThrow(/lr must be in/);
    expect((await opt.diagnostics.effectiveLr!.data())[0]).toBeCloseTo(0.1, 7);
    opt.setHyper({ lr: 0.03 });
    step();
    expect((await opt.diagnostics.effectiveLr!.data())[0]).toBeCloseTo(0.03, 7);
    opt.dispose();
    a.dispose();
  });

  it('Prodigy and D-Adapt raise d from d0 as the distance travelled grows; DoG’s r̄ grows with it', async () => {
    for (const [opt, key] of [
      [new Prodigy(), 'd'],
      [new DAdaptAdam(), 'd'],
      [new DoG(), 'rbar'],
    ] as const) {
      const a = tf.variable(tf.tensor1d([3, -2, 7]), true, `peer_d_${key}_${opt.getClassName()}`);
      const seen: number[] = [];
      for (let t = 0; t < 30; t++) {
        tf.tidy(() => void opt.minimize(() => tf.sum(tf.square(a)) as tf.Scalar, false, [a]));
        seen.push((await opt.diagnostics[key]!.data())[0]!);
      }
      expect(seen[29]!, `${opt.getClassName()} ${key}`).toBeGreaterThan(100 * seen[0]!);
      for (let t = 1; t < 30; t++) expect(seen[t]!).toBeGreaterThanOrEqual(seen[t - 1]!);
      opt.dispose();
      a.dispose();
    }
  });

  it('AdEMAMix warms its learning rate up linearly over warmupSteps (η = lr·n/W), and its first step is that share of the full one', async () => {
    const steps = async (o: object, n: number) => {
      const opt = new AdEMAMix({ lr: 0.1, ...o });
      const a = tf.variable(tf.tensor1d([3, -2, 7]), true, `ademamix_warm_${Math.random()}`);
      const etas: number[] = [];
      for (let t = 0; t < n; t++) {
        tf.tidy(() => void opt.minimize(() => tf.sum(tf.square(a)) as tf.Scalar, false, [a]));
        etas.push((await opt.diagnostics.effectiveLr!.data())[0]!);
      }
      const at = Array.from(await a.data());
      opt.dispose();
      a.dispose();
      return { etas, at };
    };
    const warm = await steps({ warmupSteps: 4 }, 6);
    warm.etas.forEach((e, t) => expect(e).toBeCloseTo(0.1 * Math.min(1, (t + 1) / 4), 7));
    expect((await steps({}, 3)).etas).toEqual([0.1, 0.1, 0.1].map(Math.fround));
    const [full, quarter] = [await steps({}, 1), await steps({ warmupSteps: 4 }, 1)];
    [3, -2, 7].forEach((x0, i) => expect(x0 - quarter.at[i]!).toBeCloseTo((x0 - full.at[i]!) / 4, 6));
  });
});
