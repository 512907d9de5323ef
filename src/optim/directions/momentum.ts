import * as tf from '@tensorflow/tfjs-core';
import type { SettingsOf } from '../../lib/settings';
import { finish, type RecipeOptions, type Transform } from '../compose';
import { checkAgainst, pick, withDefaults } from '../spec';
import { constantRule } from '../stepsizes/constant';
import { withStepsize } from '../stepsizes/rule';
import { decayOf, emaScale, sumDecay } from '../tensors';
import type { Direction, Tensors } from '../types';
import { EMA_TIMESCALE, momentumMeta } from './momentum.meta';

const HEAVY_BALL = pick(momentumMeta.settings, 'momentum');

export interface MomentumState {
  /** Σ_k μ^(t−k)·g_k (heavy ball), or the same sum with μ = d for the EMA form. */
  readonly acc: Tensors;
}

/** Heavy-ball momentum: acc ← μ·acc + g, v = acc (tf.train.momentum, the paper's mSGD baseline). */
export function heavyBallDirection(options: Partial<SettingsOf<typeof HEAVY_BALL>> = {}): Direction<MomentumState> {
  const s = withDefaults('The momentum direction', HEAVY_BALL, options);
  checkAgainst('momentum', HEAVY_BALL, s);
  const { momentum } = s;
  return {
    name: 'momentum',
    hyper: { momentum },
    init: (params) => ({ acc: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state) => {
      const acc = sumDecay(state.acc, grads, momentum);
      return { v: acc, vScale: 1, state: { acc } };
    },
  };
}

/**
 * The paper's momentum direction (eq. 7): v = ⟨∇L⟩_τm, the bias-corrected EMA of the gradient with
 * timescale τm (decay d = 1 − 1/τm). It keeps the heavy-ball sum a ← d·a + g, since the bias-corrected EMA
 * is (1−d)/(1−d^t)·a: the same two passes as heavy ball. It is its own gradient estimate, so L4Mom
 * computes it once.
 */
export function emaMomentumDirection(options: Partial<SettingsOf<typeof EMA_TIMESCALE>> = {}): Direction<MomentumState> {
  const s = withDefaults('The EMA momentum direction', EMA_TIMESCALE, options);
  checkAgainst('momentum-ema', EMA_TIMESCALE, s);
  const { timescale } = s;
  const d = decayOf(timescale);
  return {
    name: 'momentum-ema',
    hyper: { timescale },
    gradEmaTimescale: timescale,
    init: (params) => ({ acc: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state, t) => {
      const acc = sumDecay(state.acc, grads, d);
      const c = emaScale(d, t);
      return { v: acc, vScale: c, state: { acc }, gradEma: acc, gradEmaScale: c };
    },
  };
}

export type MomentumOptions = Partial<SettingsOf<typeof momentumMeta.settings>> & RecipeOptions;

/** Heavy-ball momentum (the paper's mSGD): acc ← μ·acc + g, Δθ = −lr·acc. */
export function momentum(o: MomentumOptions = {}): Transform {
  const { learningRate, clipNorm, ...dir } = withDefaults(momentumMeta.title, momentumMeta.settings, o, ['weightDecay']);
  return finish(withStepsize('momentum', heavyBallDirection(dir), constantRule({ learningRate })), { ...o, clipNorm });
}
momentum.meta = momentumMeta;
