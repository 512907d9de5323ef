import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { optimizerIds } from './catalogue';
import { makeOptimizer } from './index';
import { PROBLEMS, runProblem } from '../testing/optim/problems';

/**
 * One convergence table for every recipe (optax's alias_test): each row declares its settings, its step
 * budget and the loss it must reach. All three problems have minimum value 0. Constant-rate methods use a
 * learning rate that suits the problem; the loss-based rules run at their defaults, except SPS_max's cap γ_b,
 * which acts as a maximum learning rate (with γ_b = 1 it needs ~4000 steps on Rosenbrock). The learning-rate-free
 * peers run at their defaults where those converge; Schedule-Free's default rates (0.0025 for AdamW, 1 for SGD) are
 * set for deep networks and are too small or too large here.
 */
type Row = [string, Record<string, number>, number /* steps */, number /* f below */];
const TABLE: Record<keyof typeof PROBLEMS, Row[]> = {
  quadratic: [
    ['sgd', { learningRate: 0.1 }, 300, 1e-10],
    ['momentum', { learningRate: 0.01 }, 300, 1e-10],
    ['adam', { learningRate: 0.1 }, 300, 1e-10],
    ['rmsprop', { learningRate: 0.003 }, 2000, 1e-5],
    ['adagrad', { learningRate: 0.5 }, 300, 1e-10],
    ['l4adam', {}, 2000, 1e-10],
    ['l4mom', {}, 2000, 1e-10],
    // The problems' parameter is a vector: L4Muon's direction there is Adam's (its matrices: l4muon.test.ts).
    ['l4muon', {}, 2000, 1e-10],
    ['polyak', {}, 300, 1e-10],
    ['sps-max', {}, 300, 1e-10],
    ['ali-g', {}, 300, 1e-7],
    ['prodigy', {}, 300, 1e-10],
    ['dadapt-adam', {}, 300, 1e-10],
    ['dog', {}, 300, 1e-10],
    ['sf-adamw', { learningRate: 0.1 }, 2000, 1e-10],
    ['sf-sgd', {}, 300, 1e-10],
    // Lion's steps have length lr per coordinate: it settles within about lr of the minimum.
    ['lion', { learningRate: 0.01 }, 2000, 1e-9],
    // AdEMAMix's slow EMA (β3 = 0.9999) keeps pushing long after the gradient has turned: a plateau near 1e-6.
    ['ademamix', { learningRate: 0.1 }, 2000, 1e-5],
    // MoMo's lower bound 0 is the true minimum here: the model's Polyak step.
    ['momo', {}, 2000, 1e-10],
    ['momo-adam', {}, 2000, 1e-10],
    ['momo-star', {}, 2000, 1e-10],
    ['momo-adam-star', {}, 2000, 1e-10],
    // These problems' parameter is a vector, which Muon gives its AdamW (β2 0.95); the matrices' Newton–Schulz
    // path is held to the official code by goldenNext.test.ts.
    ['muon', { adamLr: 0.01 }, 2000, 1e-6],
    // ScheduleFree+'s Polyak denominator √(π/2)·‖g‖₁ is made for many coordinates: on two it descends slowly
    // at its defaults (f ≈ 5e-4, 0.04, 0.09 after 2000 steps); the rows hold that it descends.
    ['sf-plus', {}, 2000, 2e-3],
    // Cautious: on these problems the mask rarely bites (L4 over it equals L4Adam on both quadratics).
    ['c-adam', { learningRate: 0.1 }, 300, 1e-10],
    ['c-l4adam', {}, 2000, 1e-10],
    ['c-lion', { learningRate: 0.01 }, 2000, 1e-9],
  ],
  illConditioned: [
    ['sgd', { learningRate: 0.01 }, 2000, 1e-10],
    ['momentum', { learningRate: 0.01 }, 300, 1e-10],
    ['adam', { learningRate: 0.1 }, 300, 1e-10],
    ['rmsprop', { learningRate: 0.003 }, 2000, 1e-3],
    ['adagrad', { learningRate: 0.5 }, 300, 1e-10],
    ['l4adam', {}, 2000, 1e-9],
    ['l4mom', {}, 2000, 1e-9],
    ['l4muon', {}, 2000, 1e-9],
    ['polyak', {}, 300, 1e-10],
    ['sps-max', {}, 300, 1e-10],
    ['ali-g', {}, 300, 1e-7],
    ['prodigy', {}, 300, 1e-10],
    ['dadapt-adam', {}, 300, 1e-10],
    ['dog', {}, 2000, 1e-2],
    ['sf-adamw', { learningRate: 0.1 }, 2000, 1e-10],
    ['sf-sgd', { learningRate: 0.1 }, 2000, 1e-10],
    ['lion', { learningRate: 0.01 }, 2000, 1e-8],
    ['ademamix', { learningRate: 0.1 }, 2000, 1e-3],
    ['momo', {}, 2000, 1e-10],
    ['momo-adam', {}, 2000, 1e-10],
    ['momo-star', {}, 2000, 1e-10],
    ['momo-adam-star', {}, 2000, 1e-10],
    ['muon', { adamLr: 0.01 }, 2000, 1e-4],
    ['sf-plus', {}, 2000, 0.1],
    ['c-adam', { learningRate: 0.1 }, 300, 1e-10],
    ['c-l4adam', {}, 2000, 1e-9],
    ['c-lion', { learningRate: 0.01 }, 2000, 1e-8],
  ],
  rosenbrock: [
    ['sgd', { learningRate: 0.002 }, 2000, 1e-2],
    ['momentum', { learningRate: 0.001 }, 2000, 1e-6],
    ['adam', { learningRate: 0.1 }, 2000, 1e-10],
    ['rmsprop', { learningRate: 0.003 }, 2000, 1e-2],
    ['adagrad', { learningRate: 0.5 }, 2000, 2e-2],
    ['l4adam', {}, 2000, 1e-9],
    ['l4mom', {}, 2000, 1e-9],
    ['l4muon', {}, 2000, 1e-9],
    ['polyak', {}, 2000, 1e-9],
    ['sps-max', { gammaB: 0.5 }, 2000, 1e-9],
    ['ali-g', {}, 2000, 1e-6],
    ['prodigy', {}, 2000, 1e-6],
    ['dadapt-adam', {}, 2000, 1e-2],
    // DoG at its defaults creeps along the valley (f ≈ 2.5 after 2000 steps); a larger start distance helps.
    ['dog', { repsRel: 1e-3 }, 2000, 0.1],
    // Float32 rounding decides where along the valley it is after 2000 steps (4e-3 with x and z kept, 8e-2 with y and z).
    ['sf-adamw', { learningRate: 0.1 }, 2000, 0.1],
    ['sf-sgd', { learningRate: 0.002 }, 2000, 1e-2],
    ['lion', { learningRate: 0.003 }, 2000, 2e-2],
    ['ademamix', { learningRate: 0.1 }, 2000, 2e-3],
    ['momo', {}, 2000, 1e-9],
    // At its default cap (lr 0.01) MoMo-Adam is still in the valley after 2000 steps (f ≈ 0.05).
    ['momo-adam', { learningRate: 0.1 }, 2000, 1e-9],
    // The starred forms stop short of MoMo here (f ≈ 3e-6 and 4e-6 after 2000 steps; MoMo-Adam* at its default
    // cap, 0.04).
    ['momo-star', {}, 2000, 1e-5],
    ['momo-adam-star', { learningRate: 0.03 }, 2000, 1e-4],
    ['muon', { adamLr: 0.01 }, 2000, 1e-3],
    ['sf-plus', {}, 2000, 0.2],
    ['c-adam', { learningRate: 0.1 }, 2000, 1e-10],
    ['c-l4adam', {}, 2000, 1e-8],
    ['c-lion', { learningRate: 0.003 }, 2000, 2e-2],
  ],
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('convergence table (CPU backend)', () => {
  it('covers every optimizer of the catalogue on every problem', () => {
    for (const rows of Object.values(TABLE)) expect(rows.map((r) => r[0]).sort()).toEqual(optimizerIds().sort());
  });
  for (const [key, rows] of Object.entries(TABLE) as [keyof typeof PROBLEMS, Row[]][]) {
    const problem = PROBLEMS[key];
    for (const [name, options, steps, target] of rows) {
      it(`${name} ${JSON.stringify(options)} reaches f < ${target} on ${problem.name} within ${steps} steps`, async () => {
        const start = await runProblem(makeOptimizer(name, options), problem, 0);
        const r = await runProblem(makeOptimizer(name, options), problem, steps);
        expect(start.f).toBeGreaterThan(1);
        expect(r.f).toBeLessThan(target);
        expect(r.tensorsAfter).toBe(r.tensorsBefore);
      });
    }
  }
});
