import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import type { SettingsOf } from '../../lib/settings';
import { finish, type RecipeOptions, type Transform } from '../compose';
import { sgdDirection } from '../directions/sgd';
import { checkAgainst, withDefaults, type OptimizerMeta } from '../spec';
import { dot } from '../tensors';
import type { Hyper } from '../types';
import { aliGMeta, POLYAK_DIAGNOSTICS, polyakMeta, spsMaxMeta } from './polyak.meta';
import { withStepsize, type StepsizeRule } from './rule';

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

export type PolyakOptions = Partial<SettingsOf<typeof polyakMeta.settings>>;
export type SpsMaxOptions = Partial<SettingsOf<typeof spsMaxMeta.settings>>;
export type AliGOptions = Partial<SettingsOf<typeof aliGMeta.settings>>;

/** A rule of the family from its spec: its settings resolved and checked against it, at construction and live. */
function fromMeta<M extends OptimizerMeta>(
  meta: M,
  options: object,
  pieces: (h: SettingsOf<M['settings']>) => { fStar: number; scale: number; c: number; delta: number; cap: number },
): StepsizeRule<null, SettingsOf<M['settings']>> {
  const hyper = withDefaults(meta.title, meta.settings, options) as SettingsOf<M['settings']>;
  return polyakFamily({ rule: meta.id, hyper, pieces, validate: (h) => checkAgainst(meta.title, meta.settings, h) });
}

/** Classic Polyak stepsize with a known f*: η = α·(L − f*)/(gᵀv + ε); uncapped unless maxLr is set. */
export const polyakRule = (options: PolyakOptions = {}) =>
  fromMeta(polyakMeta, options, (h) => ({ fStar: h.fStar, scale: h.alpha, c: 1, delta: h.epsilon, cap: h.maxLr }));

/** SPS_max (Loizou et al. 2021): η = min((L − f*)/(c·‖g‖²), γ_b). */
export const spsMaxRule = (options: SpsMaxOptions = {}) =>
  fromMeta(spsMaxMeta, options, (h) => ({ fStar: h.fStar, scale: 1, c: h.c, delta: 1e-12, cap: h.gammaB }));

/** ALI-G (Berrada et al. 2020): η = min(L/(‖g‖² + δ), max_lr). */
export const aliGRule = (options: AliGOptions = {}) =>
  fromMeta(aliGMeta, options, (h) => ({ fStar: 0, scale: 1, c: 1, delta: h.delta, cap: h.maxLr }));

/** Classic Polyak stepsize over SGD with a known f*. */
export function polyak(o: PolyakOptions & RecipeOptions = {}): Transform {
  const { weightDecay, ...p } = o;
  return finish(withStepsize('polyak', sgdDirection(), polyakRule(p)), { weightDecay });
}
polyak.meta = polyakMeta;

/** SPS_max over SGD (Loizou et al. 2021). */
export function spsMax(o: SpsMaxOptions & RecipeOptions = {}): Transform {
  const { weightDecay, ...p } = o;
  return finish(withStepsize('sps-max', sgdDirection(), spsMaxRule(p)), { weightDecay });
}
spsMax.meta = spsMaxMeta;

/** ALI-G over SGD (Berrada et al. 2020). */
export function aliG(o: AliGOptions & RecipeOptions = {}): Transform {
  const { weightDecay, ...p } = o;
  return finish(withStepsize('ali-g', sgdDirection(), aliGRule(p)), { weightDecay });
}
aliG.meta = aliGMeta;
