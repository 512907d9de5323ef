import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { checkRange } from '../flags';
import { dot } from '../tensors';
import { POLYAK_DIAGNOSTICS } from '../catalogue';
import { refuseUnknown } from '../settings';
import type { Hyper } from '../types';
import type { StepsizeRule } from './rule';

/**
 * The Polyak family: η = min(scale·(L − f*) / (c·gᵀv + δ), cap), with g the raw gradient.
 * With the SGD direction, gᵀv = ‖g‖².
 * - classic Polyak (Polyak 1987): known f*, c = 1, no cap by default;
 * - SPS_max (Loizou et al. 2021): c = 0.5 by default, capped at γ_b;
 * - ALI-G (Berrada et al. 2020): f* = 0, δ = 1e-5, capped at max_lr.
 * A loss below f* takes no step and sets the `lossBelowFloor` flag; so do a non-finite loss and gᵀv ≤ 0.
 * Diagnostics: `uncappedLr`, `capped` (1 when the cap bound), `numerator` (L − f*) and `gDotV`.
 */
interface PolyakKind<H extends Hyper> {
  readonly rule: string;
  readonly hyper: H;
  /** Maps the settings to the formula's pieces. */
  readonly pieces: (h: H) => { fStar: number; scale: number; c: number; delta: number; cap: number };
  readonly validate: (h: H) => void;
}

function polyakFamily<H extends Hyper>(kind: PolyakKind<H>): StepsizeRule<null, H> {
  return {
    name: kind.rule,
    diagnostics: POLYAK_DIAGNOSTICS.map((d) => d.key),
    needsLoss: true,
    hyper: kind.hyper,
    validateHyper: kind.validate,
    init: () => null,
    stepsize: ({ grads, v, vScale, loss, hyper }) => {
      const L = loss as Scalar;
      const { fStar, scale, c, delta, cap } = kind.pieces(hyper);
      const numerator = tf.sub(L, fStar) as Scalar;
      const rawDot = dot(grads, v);
      const gDotV = tf.mul(rawDot, vScale) as Scalar;
      const denominator = tf.add(tf.mul(gDotV, c), delta);
      const uncapped = tf.mul(tf.div(numerator, denominator), scale) as Scalar;
      const lossFinite = tf.isFinite(L);
      const belowFloor = tf.less(numerator, 0);
      const denomOk = tf.logicalAnd(tf.isFinite(denominator), tf.greater(gDotV, 0));
      const ok = tf.logicalAnd(tf.logicalAnd(lossFinite, tf.logicalNot(belowFloor)), denomOk);
      const capped = tf.cast(tf.logicalAnd(ok, tf.greater(uncapped, cap)), 'float32') as Scalar;
      const effectiveLr = tf.where(ok, tf.minimum(uncapped, cap), tf.zerosLike(L)) as Scalar;
      const flags = tf.addN([
        tf.cast(tf.logicalNot(lossFinite), 'float32'),
        tf.mul(tf.cast(belowFloor, 'float32'), 2),
        tf.mul(tf.cast(tf.logicalNot(denomOk), 'float32'), 4),
      ]) as Scalar;
      return {
        effectiveLr,
        flags,
        state: null,
        diagnostics: { uncappedLr: uncapped, capped, numerator, gDotV },
        ...(grads === v ? { vNormSq: rawDot } : {}),
      };
    },
  };
}

export interface PolyakOptions {
  /** The known minimum value f* of the loss. Default 0. */
  fStar?: number;
  /** Fraction of the full Polyak step taken. Default 1 (the classic rule). */
  alpha?: number;
  /** Upper bound on η. Default +Inf (uncapped). */
  maxLr?: number;
  /** Regulariser of the denominator. Default 1e-12. */
  epsilon?: number;
}

/** Classic Polyak stepsize with a known f*: η = α·(L − f*)/(gᵀv + ε). */
export function polyakRule(options: PolyakOptions = {}): StepsizeRule<null, Required<Readonly<PolyakOptions>>> {
  refuseUnknown('Polyak', options, ['fStar', 'alpha', 'maxLr', 'epsilon']);
  const { fStar = 0, alpha = 1, maxLr = Infinity, epsilon = 1e-12 } = options;
  return polyakFamily({
    rule: 'polyak',
    hyper: { fStar, alpha, maxLr, epsilon },
    pieces: (h) => ({ fStar: h.fStar, scale: h.alpha, c: 1, delta: h.epsilon, cap: h.maxLr }),
    validate: (h) => {
      checkRange('Polyak', 'fStar', h.fStar, -Infinity, Infinity);
      checkRange('Polyak', 'alpha', h.alpha, 0, Infinity);
      checkRange('Polyak', 'maxLr', h.maxLr, 0, Infinity, { hiOpen: false });
      checkRange('Polyak', 'epsilon', h.epsilon, 0, Infinity, { loOpen: false });
    },
  });
}

export interface SpsMaxOptions {
  /** The constant c of SPS. Default 0.5. */
  c?: number;
  /** The cap γ_b on the stepsize. Default 1. */
  gammaB?: number;
  /** The per-batch optimum f_i*. Default 0 (interpolation). */
  fStar?: number;
}

/** SPS_max (Loizou et al. 2021): η = min((L − f*)/(c·‖g‖²), γ_b). */
export function spsMaxRule(options: SpsMaxOptions = {}): StepsizeRule<null, Required<Readonly<SpsMaxOptions>>> {
  refuseUnknown('SPS_max', options, ['c', 'gammaB', 'fStar']);
  const { c = 0.5, gammaB = 1, fStar = 0 } = options;
  return polyakFamily({
    rule: 'sps-max',
    hyper: { c, gammaB, fStar },
    pieces: (h) => ({ fStar: h.fStar, scale: 1, c: h.c, delta: 1e-12, cap: h.gammaB }),
    validate: (h) => {
      checkRange('SPS_max', 'c', h.c, 0, Infinity);
      checkRange('SPS_max', 'gammaB', h.gammaB, 0, Infinity, { hiOpen: false });
      checkRange('SPS_max', 'fStar', h.fStar, -Infinity, Infinity);
    },
  });
}

export interface AliGOptions {
  /** The cap max_lr on the stepsize. Default 0.1. */
  maxLr?: number;
  /** δ in the denominator. Default 1e-5. */
  delta?: number;
}

/** ALI-G (Berrada et al. 2020): η = min(L/(‖g‖² + δ), max_lr). */
export function aliGRule(options: AliGOptions = {}): StepsizeRule<null, Required<Readonly<AliGOptions>>> {
  refuseUnknown('ALI-G', options, ['maxLr', 'delta']);
  const { maxLr = 0.1, delta = 1e-5 } = options;
  return polyakFamily({
    rule: 'ali-g',
    hyper: { maxLr, delta },
    pieces: (h) => ({ fStar: 0, scale: 1, c: 1, delta: h.delta, cap: h.maxLr }),
    validate: (h) => {
      checkRange('ALI-G', 'maxLr', h.maxLr, 0, Infinity, { hiOpen: false });
      checkRange('ALI-G', 'delta', h.delta, 0, Infinity, { loOpen: false });
    },
  });
}
