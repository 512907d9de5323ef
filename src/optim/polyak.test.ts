import { describe, expect, it } from 'vitest';
import { cpuWithLeakCheck } from '../testing/optim/setup';
import { decodeFlags } from './flags';
import { aliG, polyak, spsMax } from './index';
import { feed } from '../testing/optim/feed';

cpuWithLeakCheck();

describe('the Polyak family', () => {
  for (const a of [0.01, 1, 7, 250]) {
    it(`classic Polyak on ½·${a}·x² with f* = 0 halves x`, async () => {
      const x = 3;
      const [d] = await feed(polyak(), [x], [{ loss: 0.5 * a * x * x, grad: [a * x] }]);
      expect(d!.theta[0]).toBeCloseTo(x / 2, 5);
      expect(d!.effectiveLr).toBeCloseTo(1 / (2 * a), 5);
      expect(d!.capped).toBe(0);
    });
  }

  it('Polyak with f* > 0 and a fraction α: η = α·(L − f*)/‖g‖²', async () => {
    const [d] = await feed(polyak({ fStar: 1, alpha: 0.5 }), [2], [{ loss: 5, grad: [4] }]);
    expect(d!.effectiveLr).toBeCloseTo((0.5 * 4) / 16, 6);
    expect(d!.numerator).toBeCloseTo(4, 6);
  });

  it('a loss below f*: no step and the lossBelowFloor flag', async () => {
    const [d] = await feed(polyak({ fStar: 2 }), [2], [{ loss: 1, grad: [4] }]);
    expect(d!.effectiveLr).toBe(0);
    expect(decodeFlags(d!.flags!)).toEqual(['lossBelowFloor']);
    expect(d!.theta).toEqual([2]);
  });

  it('SPS_max: η = min((L − f*)/(c·‖g‖²), γ_b), reporting the uncapped step and whether it was capped', async () => {
    const uncapped = 2 / (0.5 * 1);
    const [free] = await feed(spsMax({ gammaB: 10 }), [0], [{ loss: 2, grad: [1] }]);
    expect(free!.effectiveLr).toBeCloseTo(uncapped, 6);
    expect(free!.capped).toBe(0);
    const [capped] = await feed(spsMax({ gammaB: 0.5 }), [0], [{ loss: 2, grad: [1] }]);
    expect(capped!.effectiveLr).toBeCloseTo(0.5, 6);
    expect(capped!.uncappedLr).toBeCloseTo(uncapped, 6);
    expect(capped!.capped).toBe(1);
  });

  it('ALI-G: η = min(L/(‖g‖² + δ), max_lr)', async () => {
    const [d] = await feed(aliG({ maxLr: 10 }), [0], [{ loss: 3, grad: [2] }]);
    expect(d!.effectiveLr).toBeCloseTo(3 / (4 + 1e-5), 6);
    const [c] = await feed(aliG({ maxLr: 0.1 }), [0], [{ loss: 3, grad: [2] }]);
    expect(c!.effectiveLr).toBeCloseTo(0.1, 7);
    expect(c!.capped).toBe(1);
    expect(c!.theta[0]).toBeCloseTo(-0.2, 6);
  });

  it('a NaN loss or a zero gradient: no step, flagged', async () => {
    const [nan] = await feed(aliG(), [1], [{ loss: NaN, grad: [2] }]);
    expect(decodeFlags(nan!.flags!)).toContain('nonFiniteLoss');
    expect(nan!.theta).toEqual([1]);
    const [flat] = await feed(polyak(), [1], [{ loss: 1, grad: [0] }]);
    expect(decodeFlags(flat!.flags!)).toEqual(['badDenominator']);
    expect(flat!.theta).toEqual([1]);
  });
});
