import { describe, expect, it } from 'vitest';
import { cpuWithLeakCheck } from '../testing/optim/setup';
import { adam, l4Mom, sgd } from './index';
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
