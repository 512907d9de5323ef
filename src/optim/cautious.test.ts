import { describe, expect, it } from 'vitest';
import { adamDirection, cautiousDirection, heavyBallDirection, sgdDirection } from './directions';
import { l4 } from './stepsizes';
import { constantRule } from './stepsizes/constant';
import { withStepsize } from './stepsizes/rule';
import { finish } from './compose';
import { makeOptimizer } from './recipes';
import { cpuWithLeakCheck } from '../testing/optim/setup';
import { feed } from '../testing/optim/feed';

cpuWithLeakCheck();

const near = (a: number[], b: number[]) => a.forEach((x, i) => expect(x, `entry ${i}`).toBeCloseTo(b[i]!, 6));

describe('Cautious: the direction kept where it agrees with the gradient, rescaled per tensor (hand-computed)', () => {
  it('over SGD: a zero gradient entry is dropped, the others scaled by n / kept = 4/3', async () => {
    const cSgd = finish(withStepsize('c-sgd', cautiousDirection(sgdDirection()), constantRule({ learningRate: 0.1 })), {});
    const [d] = await feed(cSgd, [0, 0, 0, 0], [{ grad: [1, -2, 0, 3] }]);
    // Δθ = −0.1 · g ⊙ keep · 4/(3 + 1e-8).
    near(d!.theta, [-0.1 * (4 / 3), 0.2 * (4 / 3), 0, -0.3 * (4 / 3)]);
  });

  it('over heavy-ball momentum: the coordinate whose momentum opposes the gradient takes no step, the other twice its own', async () => {
    // m1 = g1 = (2, 2); m2 = 0.9·m1 + g2 = (0.8, 2.8) with g2 = (−1, 1): m2 ⊙ g2 = (−0.8, 2.8) keeps the second only,
    // scaled by 2/(1 + 1e-8). Step 1 keeps both (m1 = g1).
    const cMom = finish(
      withStepsize('c-momentum', cautiousDirection(heavyBallDirection({ momentum: 0.9 })), constantRule({ learningRate: 0.5 })),
      {},
    );
    const [s1, s2] = await feed(cMom, [0, 0], [{ grad: [2, 2] }, { grad: [-1, 1] }]);
    near(s1!.theta, [-1, -1]);
    near(s2!.theta, [-1, -1 - 0.5 * 2.8 * 2]);
    // Plain momentum would have moved the first coordinate by −0.4.
    const plain = finish(withStepsize('momentum', heavyBallDirection({ momentum: 0.9 }), constantRule({ learningRate: 0.5 })), {});
    const [, p2] = await feed(plain, [0, 0], [{ grad: [2, 2] }, { grad: [-1, 1] }]);
    near(p2!.theta, [-1.4, -2.4]);
  });

  it('C-Adam and C-L4Adam are compositions: every kept coordinate descends, and L4 sees the masked direction', async () => {
    const grads = [
      { loss: 4, grad: [1, -1, 2] },
      { loss: 3, grad: [-1, -1, 0.5] },
      { loss: 2, grad: [0.5, 1, -1] },
    ];
    const cAdam = finish(withStepsize('c-adam', cautiousDirection(adamDirection()), constantRule({ learningRate: 0.01 })), {});
    const steps = await feed(cAdam, [0, 0, 0], grads);
    // Each step moves every coordinate against its gradient, or not at all.
    steps.forEach((s, k) => {
      const before = k === 0 ? [0, 0, 0] : steps[k - 1]!.theta;
      s.theta.forEach((x, i) => expect((x - before[i]!) * grads[k]!.grad[i]!).toBeLessThanOrEqual(0));
    });
    // L4 over the cautious direction: its gᵀv and η are those of the masked v. Adam's m after three steps is about
    // (0.041, −0.071, 0.107) against g3 = (0.5, 1, −1): the last two coordinates are masked at step 3, none before.
    const cL4 = await feed(l4(cautiousDirection(adamDirection()), {}, 'c-l4adam'), [0, 0, 0], grads);
    const plainL4 = await feed(l4(adamDirection(), {}, 'l4adam'), [0, 0, 0], grads);
    expect(cL4.every((s) => Number.isFinite(s.effectiveLr!) && s.effectiveLr! >= 0)).toBe(true);
    expect(cL4[0]!.gDotV).toBeCloseTo(plainL4[0]!.gDotV!, 6);
    expect(cL4[1]!.gDotV).toBeCloseTo(plainL4[1]!.gDotV!, 6);
    expect(Math.abs(cL4[2]!.gDotV! - plainL4[2]!.gDotV!)).toBeGreaterThan(1e-3);
    expect(() => cautiousDirection(sgdDirection(), { epsilon: -1 })).toThrow('The cautious mask: mask ε must be in [0, ∞), got -1.');
  });

  it('C-Lion: the sign step where it disagrees with the gradient is dropped, the rest scaled by n / kept', async () => {
    const o = { learningRate: 0.1, beta1: 0.9, beta2: 0.99 };
    const steps = [{ grad: [1, 1, 1] }, { grad: [-0.01, 1, -1] }];
    const [l1, l2] = await feed(makeOptimizer('lion', o), [0, 0, 0], steps);
    const [c1, c2] = await feed(makeOptimizer('c-lion', o), [0, 0, 0], steps);
    // Step 1 (m = 0): sign(g) agrees everywhere, so C-Lion steps as Lion: −0.1 each (× 3/(3 + 1e-8)).
    for (let i = 0; i < 3; i++) expect(c1!.theta[i]).toBeCloseTo(l1!.theta[i]!, 6);
    // Step 2: m = 0.01; c = sign(0.9·0.01 + 0.1·g) = (+1, +1, −1). Lion takes all three; C-Lion drops the first
    // (c·g < 0) and scales the others by 3/2.
    expect(l2!.theta.map((x) => Number(x.toFixed(6)))).toEqual([-0.2, -0.2, 0]);
    expect(c2!.theta[0]).toBeCloseTo(-0.1, 6);
    expect(c2!.theta[1]).toBeCloseTo(-0.1 - 0.15, 6);
    expect(c2!.theta[2]).toBeCloseTo(-0.1 + 0.15, 6);
  });
});
