import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyStep, disposeState, readDiagnostics, setHyper } from './apply';
import { sgdDirection } from './directions';
import { decodeFlags, MissingLossError, StepFlags } from './flags';
import { l4, l4Adam, l4Mom, sgd, type Transform } from './index';
import { feed as feedSteps } from '../testing/optim/feed';
import { quadratic, runProblem } from '../testing/optim/problems';
import { setFusedFormulas } from './kernels/scalarFormula';
import { withoutSkip } from './skip';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let baseline = 0;
afterEach(() => {
  expect(tf.memory().numTensors, 'tensors leaked by the test').toBe(baseline);
});

/** Like testing/feed, and records the tensor count first so that afterEach can check for leaks. */
async function feed(...args: Parameters<typeof feedSteps>) {
  baseline = tf.memory().numTensors;
  return feedSteps(...args);
}

describe('L4 by hand', () => {
  it('step 0: L_min = γ0·L, η = α(L − γ·γ0·L)/(gᵀv + ε) with g = v = ∇L, then L_min forgotten', async () => {
    // θ = (3, −4), L = ½‖θ‖² = 12.5, ∇L = θ, ‖∇L‖² = 25. The bias-corrected EMA after one update is ∇L.
    const [d] = await feed(l4Mom(), [3, -4], [{ loss: 12.5, grad: [3, -4] }]);
    const eta = (0.15 * (12.5 - 0.9 * 0.75 * 12.5)) / 25; // 0.024375
    expect(d!.effectiveLr).toBeCloseTo(eta, 7);
    expect(d!.numerator).toBeCloseTo(12.5 * (1 - 0.9 * 0.75), 5);
    expect(d!.gDotV).toBeCloseTo(25, 4);
    expect(d!.lossMin).toBeCloseTo(0.75 * 12.5 * 1.001, 5);
    expect(d!.theta[0]).toBeCloseTo(3 - eta * 3, 6);
    expect(d!.theta[1]).toBeCloseTo(-4 + eta * 4, 6);
    expect(d!.updateNorm).toBeCloseTo(eta * 5, 6);
    expect(d!.flags).toBe(0);
  });

  it('L_min schedule: γ0·L at step 0, then min(L_min, L), forgetting ×(1 + 1/τ) after every step', async () => {
    const losses = [10, 9, 5, 8, 4];
    const trace = await feed(
      l4Mom({ tau: 10, gamma0: 0.75 }),
      [0],
      losses.map((loss) => ({ loss, grad: [1] })),
    );
    // Hand-derived: 7.5·1.1; min(8.25, 9)·1.1; min(9.075, 5)·1.1; min(5.5, 8)·1.1; min(6.05, 4)·1.1.
    const expected = [8.25, 9.075, 5.5, 6.05, 4.4];
    trace.forEach((d, i) => expect(d.lossMin, `step ${i}`).toBeCloseTo(expected[i]!, 4));
    // The numerator uses L_min before forgetting: L − γ·min(L_min, L).
    const before = [7.5, 8.25, 5, 5.5, 4];
    trace.forEach((d, i) => expect(d.numerator, `step ${i}`).toBeCloseTo(losses[i]! - 0.9 * before[i]!, 4));
  });

  it('bias correction: g is the bias-corrected EMA (τm = 10) of the gradients, from the first step', async () => {
    // Gradients 1, 3, −2 on one coordinate: m_t = 0.9·m + 0.1·g, ĝ = m_t / (1 − 0.9^t).
    const grads = [1, 3, -2];
    const trace = await feed(
      l4Mom(),
      [0],
      grads.map((g) => ({ loss: 1, grad: [g] })),
    );
    let m = 0;
    grads.forEach((g, i) => {
      m = 0.9 * m + 0.1 * g;
      const gHat = m / (1 - 0.9 ** (i + 1));
      // For L4Mom v = g, so gᵀv = ĝ².
      expect(trace[i]!.gDotV, `step ${i}`).toBeCloseTo(gHat * gHat, 5);
    });
  });

  it('L4 over plain SGD keeps its own gradient EMA: gᵀv = ĝ·∇L', async () => {
    const grads = [2, -1];
    const trace = await feed(
      l4(sgdDirection()),
      [0],
      grads.map((g) => ({ loss: 1, grad: [g] })),
    );
    expect(trace[0]!.gDotV).toBeCloseTo(4, 5); // ĝ = 2 at step 1
    const gHat = (0.9 * 0.2 + 0.1 * -1) / (1 - 0.81);
    expect(trace[1]!.gDotV).toBeCloseTo(gHat * -1, 5);
  });

  it('the "new best batch" effect: with γ = 1 a loss at a new minimum gives a zero step', async () => {
    const trace = await feed(
      l4Mom({ gamma: 1 }),
      [1],
      [
        { loss: 4, grad: [1] },
        { loss: 1, grad: [1] },
      ],
    );
    expect(trace[1]!.effectiveLr).toBe(0);
    expect(trace[1]!.flags).toBe(0);
  });
});

describe('L4 edge cases take no step and say why', () => {
  it('gᵀv ≤ 0: η = 0 and the badDenominator flag', async () => {
    // With L4 over SGD, g (the EMA) can point against v = ∇L: gradients 1 then −0.5 give ĝ = 0.21, v = −0.5.
    const trace = await feed(
      l4(sgdDirection()),
      [2],
      [
        { loss: 1, grad: [1] },
        { loss: 1, grad: [-0.5] },
      ],
    );
    expect(trace[1]!.gDotV).toBeLessThan(0);
    expect(trace[1]!.effectiveLr).toBe(0);
    expect(decodeFlags(trace[1]!.flags!)).toEqual(['badDenominator']);
    expect(trace[1]!.theta).toEqual(trace[0]!.theta);
  });

  it('a zero gradient (gᵀv = 0): no step, flagged', async () => {
    const [d] = await feed(l4Mom(), [2], [{ loss: 1, grad: [0] }]);
    expect(d!.effectiveLr).toBe(0);
    expect(d!.flags).toBe(StepFlags.badDenominator);
    expect(d!.theta).toEqual([2]);
  });

  it('a non-finite denominator (an Inf gradient): no step, flagged', async () => {
    // The rule's own guard (inside the skip of a non-finite gradient, which every finished optimizer has).
    const [d] = await feed(withoutSkip(l4Mom()), [2], [{ loss: 1, grad: [Infinity] }]);
    expect(d!.effectiveLr).toBe(0);
    expect(d!.flags! & StepFlags.badDenominator).toBeTruthy();
    const [e] = await feed(l4Mom(), [2], [{ loss: 1, grad: [Infinity] }]);
    expect(decodeFlags(e!.flags!)).toEqual(['nonFiniteDirection']);
    expect(e!.skippedSteps).toBe(1);
  });

  for (const bad of [NaN, Infinity]) {
    it(`a ${bad} loss: no step, nonFiniteLoss flag, L_min untouched`, async () => {
      const trace = await feed(
        l4Adam(),
        [2],
        [
          { loss: 3, grad: [1] },
          { loss: bad, grad: [1] },
        ],
      );
      expect(trace[1]!.effectiveLr).toBe(0);
      expect(decodeFlags(trace[1]!.flags!)).toContain('nonFiniteLoss');
      expect(trace[1]!.lossMin).toBeCloseTo(trace[0]!.lossMin!, 6);
      expect(trace[1]!.theta).toEqual(trace[0]!.theta);
    });
  }

  it('a NaN first loss leaves L_min unset, and the first valid loss initialises it to γ0·L', async () => {
    const trace = await feed(
      withoutSkip(l4Mom()),
      [2],
      [
        { loss: NaN, grad: [1] },
        { loss: 8, grad: [1] },
      ],
    );
    expect(trace[0]!.lossMin).toBe(Infinity);
    expect(trace[1]!.lossMin).toBeCloseTo(0.75 * 8 * 1.001, 5);
    expect(trace[1]!.effectiveLr).toBeGreaterThan(0);
  });

  it('a negative loss: no step and the lossBelowFloor flag (the adapter turns it into an error)', async () => {
    const [d] = await feed(l4Adam(), [2], [{ loss: -0.5, grad: [1] }]);
    expect(d!.effectiveLr).toBe(0);
    expect(decodeFlags(d!.flags!)).toEqual(['lossBelowFloor']);
  });

  it('no loss at all: a sentence that says L4 needs it', () => {
    baseline = tf.memory().numTensors;
    const t = l4Adam();
    const x = tf.tidy(() => tf.variable(tf.tensor1d([1])));
    const s = t.init([x]);
    const g = tf.tensor1d([1]);
    expect(() => applyStep(t, [x], [g], s, {})).toThrow(MissingLossError);
    expect(() => applyStep(t, [x], [g], s, {})).toThrow(/needs the current loss/);
    disposeState(s);
    tf.dispose([x, g]);
  });
});

describe('live hyperparameters', () => {
  it('setHyper changes α from the next step and refuses invalid values with a sentence', async () => {
    baseline = tf.memory().numTensors;
    const t = l4Mom();
    const x = tf.tidy(() => tf.variable(tf.tensor1d([3, -4])));
    let s = t.init([x]);
    s = setHyper(t, s, { alpha: 0.3 });
    const loss = tf.scalar(12.5);
    const g = tf.tensor1d([3, -4]);
    s = applyStep(t, [x], [g], s, { loss });
    expect((await readDiagnostics(s)).effectiveLr).toBeCloseTo(2 * 0.024375, 6);
    expect(() => setHyper(t, s, { alpha: 0 })).toThrow(/alpha must be in \(0, 100\], got 0/);
    expect(() => setHyper(t, s, { gamma: 1.5 })).toThrow(/gamma must be in \(0, 1\]/);
    expect(() => setHyper(t, s, { tau: NaN })).toThrow(/tau/);
    expect(() => setHyper(t, s, { beta: 1 })).toThrow(/has no hyperparameter "beta"/);
    disposeState(s);
    tf.dispose([x, loss, g]);
  });
});

describe('Sec. 2.3: invariance to affine transforms of the loss', () => {
  const steps = 40;
  async function endpoint(t: () => Transform, scale: number, shift: number) {
    const r = await runProblem(t(), quadratic, steps, scale, shift);
    return r.x;
  }
  const maxRel = (a: number[], b: number[]) => Math.max(...a.map((ai, i) => Math.abs(ai - b[i]!) / Math.max(Math.abs(b[i]!), 1e-12)));

  it('L4Mom: scaling the loss by a > 0 leaves the trajectory unchanged (to float precision)', async () => {
    baseline = tf.memory().numTensors;
    const ref = await endpoint(l4Mom, 1, 0);
    expect(maxRel(await endpoint(l4Mom, 8, 0), ref)).toBeLessThan(1e-6); // a power of two: exact scaling
    expect(maxRel(await endpoint(l4Mom, 37.3, 0), ref)).toBeLessThan(1e-4);
    expect(maxRel(await endpoint(l4Mom, 0.013, 0), ref)).toBeLessThan(1e-4);
  });

  it('L4Adam: nearly unchanged (Adam’s ε = 1e-4 breaks exactness), while SGD changes completely', async () => {
    baseline = tf.memory().numTensors;
    const ref = await endpoint(l4Adam, 1, 0);
    const scaled = await endpoint(l4Adam, 37.3, 0);
    expect(maxRel(scaled, ref)).toBeLessThan(1e-2);
    const sgdRef = await endpoint(() => sgd({ learningRate: 0.01 }), 1, 0);
    const sgdScaled = await endpoint(() => sgd({ learningRate: 0.01 }), 37.3, 0);
    expect(maxRel(sgdScaled, sgdRef)).toBeGreaterThan(0.5);
  });

  it('adding a constant b > 0 changes both L4Mom and L4Adam, as the section says', async () => {
    baseline = tf.memory().numTensors;
    for (const t of [l4Mom, l4Adam]) {
      const ref = await endpoint(t, 1, 0);
      const shifted = await endpoint(t, 1, 5);
      expect(maxRel(shifted, ref)).toBeGreaterThan(0.05);
    }
  });
});

describe('the fused epilogue (one kernel on WebGL, WASM and cpu)', () => {
  // Every edge case the epilogue guards against, in one sequence: a NaN first loss, Inf, a negative loss,
  // gᵀv ≤ 0 (over SGD), a zero and an infinite gradient, and ordinary steps between them.
  const steps = [
    { loss: NaN, grad: [1, -2] },
    { loss: 8, grad: [1, -2] },
    { loss: 6, grad: [0.5, -1] },
    { loss: Infinity, grad: [0.5, -1] },
    { loss: -0.5, grad: [0.2, 0.1] },
    { loss: 5, grad: [-3, 4] },
    { loss: 4, grad: [0, 0] },
    { loss: 3, grad: [Infinity, 1] },
    { loss: 2.5, grad: [0.1, 0.1] },
  ];
  for (const [name, make] of [
    ['L4Adam', () => l4Adam()],
    ['L4Mom', () => l4Mom()],
    ['L4 over SGD', () => l4(sgdDirection())],
  ] as const) {
    it(`${name}: the same trace, bit for bit, as the op-by-op path`, async () => {
      // The rule's guards themselves: without the skip that takes non-finite steps out before the rule sees them.
      const fused = await feed(withoutSkip(make()), [2, -1], steps);
      setFusedFormulas(false);
      try {
        const ops = await feed(withoutSkip(make()), [2, -1], steps);
        expect(fused).toEqual(ops);
      } finally {
        setFusedFormulas(true);
      }
      // The sequence did reach the guarded cases.
      const flags = new Set(fused.flatMap((d) => decodeFlags(d.flags!)));
      expect([...flags].sort()).toEqual(['badDenominator', 'lossBelowFloor', 'nonFiniteDirection', 'nonFiniteLoss']);
    });
  }
});
