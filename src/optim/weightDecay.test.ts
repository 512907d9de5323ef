import { describe, expect, it } from 'vitest';
import { cpuWithLeakCheck } from '../testing/optim/setup';
import { adam, l4Mom, makeOptimizer, sgd } from './index';
import { optimizerSpec } from './catalogue';
import { feed } from '../testing/optim/feed';

cpuWithLeakCheck();

describe('weight decay is an explicit, recorded choice', () => {
  it('is recorded in the config, and absent unless asked for', () => {
    expect(l4Mom().config.weightDecay).toBeNull();
    expect(l4Mom({ weightDecay: { mode: 'l2', coefficient: 1e-4 } }).config.weightDecay).toEqual({ mode: 'l2', coefficient: 1e-4 });
    expect(adam({ weightDecay: { mode: 'decoupled', coefficient: 0.01 } }).config).toMatchObject({
      name: 'adam',
      weightDecay: { mode: 'decoupled', coefficient: 0.01 },
    });
    expect(() => sgd({ weightDecay: { mode: 'l2', coefficient: -1 } })).toThrow(/coefficient must be in \[0, ∞\)/);
  });

  it("'l2' is L2 in the loss: L4 sees L + ½λ‖θ‖² and g + λθ (same step as adding it by hand)", async () => {
    const lambda = 0.1;
    const theta = [3, -4];
    const [withWd] = await feed(l4Mom({ weightDecay: { mode: 'l2', coefficient: lambda } }), theta, [{ loss: 12.5, grad: [3, -4] }]);
    const penalty = 0.5 * lambda * 25;
    const [byHand] = await feed(l4Mom(), theta, [{ loss: 12.5 + penalty, grad: [3 + lambda * 3, -4 - lambda * 4] }]);
    expect(withWd!.effectiveLr).toBeCloseTo(byHand!.effectiveLr!, 7);
    expect(withWd!.lossMin).toBeCloseTo(byHand!.lossMin!, 5);
    expect(withWd!.theta[0]).toBeCloseTo(byHand!.theta[0]!, 6);
  });

  it("'decoupled' moves θ by −η·λ·θ after the rule's step", async () => {
    const [d] = await feed(sgd({ learningRate: 0.1, weightDecay: { mode: 'decoupled', coefficient: 0.5 } }), [2], [{ grad: [1] }]);
    expect(d!.theta[0]).toBeCloseTo(2 - 0.1 * 1 - 0.1 * 0.5 * 2, 6);
  });
});

describe('weight decay as a setting (the builder, the URL, the CLI, sweeps)', () => {
  it('every optimizer lists it: the lab’s (with its form) or, for a peer with its own, the official one', () => {
    expect(optimizerSpec('adam')!.settings.map((s) => s.key)).toEqual(expect.arrayContaining(['weightDecay', 'weightDecayForm']));
    expect(
      optimizerSpec('lion')!
        .settings.filter((s) => s.key.startsWith('weightDecay'))
        .map((s) => s.key),
    ).toEqual(['weightDecay']);
    expect(optimizerSpec('adam')!.defaults).toMatchObject({ weightDecay: 0, weightDecayForm: 'decoupled' });
  });

  it('a number is the lab’s decay in its form around the optimizer, or the official one inside a peer', () => {
    expect(makeOptimizer('adam', { weightDecay: 0.1 }).config.weightDecay).toEqual({ mode: 'decoupled', coefficient: 0.1 });
    expect(makeOptimizer('l4adam', { weightDecay: 0.1, weightDecayForm: 'l2' }).config.weightDecay).toEqual({
      mode: 'l2',
      coefficient: 0.1,
    });
    expect(makeOptimizer('adam', { weightDecay: 0 }).config.weightDecay).toBeNull();
    const lion = makeOptimizer('lion', { weightDecay: 0.5 });
    expect(lion.config.weightDecay).toBeNull();
    expect(lion.config.hyper.weightDecay).toBe(0.5);
    expect(() => makeOptimizer('adam', { weightDecay: -1 })).toThrow(/Adam: weight decay \(λ\) must be in \[0, ∞\)/);
    expect(() => makeOptimizer('lion', { weightDecayForm: 'l2' })).toThrow(/"weightDecayForm"/);
  });

  it('the official and the lab’s decoupled decay agree where the official one is θ·(1 − lr·λ) (Lion against SGD-like steps)', async () => {
    // Lion's official decay and a decoupled decay of the same λ around Lion take the same step: η = lr for both.
    const [official] = await feed(makeOptimizer('lion', { learningRate: 0.1, weightDecay: 0.5 }), [2, -1], [{ grad: [1, 1] }]);
    const [lab] = await feed(
      makeOptimizer('lion', { learningRate: 0.1, weightDecay: { mode: 'decoupled', coefficient: 0.5 } }),
      [2, -1],
      [{ grad: [1, 1] }],
    );
    // θ − lr·(sign(g) + λθ) = (2 − 0.1·(1 + 1), −1 − 0.1·(1 − 0.5)) = (1.8, −1.05).
    expect(official!.theta[0]).toBeCloseTo(1.8, 6);
    expect(official!.theta[1]).toBeCloseTo(-1.05, 6);
    expect(lab!.theta).toEqual(official!.theta);
  });
});
