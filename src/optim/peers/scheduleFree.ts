import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, Tensors } from '../types';
import { checks, guardedUpdate, peerTransform, resolvePeerSettings, type PeerState } from './common';
import { SF_ADAMW_DEFAULTS, SF_SGD_DEFAULTS, type ScheduleFreeAdamWSettings, type ScheduleFreeSGDSettings } from './defaults';

type SFSettings = ScheduleFreeAdamWSettings | ScheduleFreeSGDSettings;

/**
 * The trained parameters are y = (1 − β)·z + β·x; the state holds z (the base iterate) and x (the weighted
 * average of the z's, the point to evaluate and checkpoint). The averaging weights are host numbers.
 */
export interface ScheduleFreeState<H extends SFSettings = SFSettings> extends PeerState<H> {
  readonly z: Tensors;
  readonly x: Tensors;
  /** AdamW only: the undivided EMA of g². */
  readonly v: Tensors | null;
  readonly lrMax: number;
  readonly weightSum: number;
}

function validate(owner: string, h: SFSettings): void {
  checks.positive(owner, 'lr', h.lr);
  if ('beta1' in h) {
    checks.beta(owner, 'beta1', h.beta1);
    checks.beta(owner, 'beta2', h.beta2);
    checks.nonNegative(owner, 'eps', h.eps);
  } else checks.beta(owner, 'momentum', h.momentum);
  checks.nonNegative(owner, 'weightDecay', h.weightDecay);
  checks.nonNegative(owner, 'warmupSteps', h.warmupSteps);
  if (!Number.isInteger(h.warmupSteps)) throw new RangeError(`${owner}: warmupSteps must be a whole number, got ${h.warmupSteps}.`);
  checks.nonNegative(owner, 'r', h.r);
  checks.nonNegative(owner, 'weightLrPower', h.weightLrPower);
}

/**
 * Schedule-Free (Defazio et al. 2024, "The Road Less Scheduled"), as schedule_free 1.3 and later: with the
 * warm-up lr_k, c = w_k/Σw (w_k = (k+1)^r·max lr^p), z ← z − lr_k·u, x ← (1 − c)·x + c·z, y = (1 − β)·z + β·x.
 * u is g (SGD) or g/(√(v/(1 − β2^(k+1))) + ε) (AdamW); weight decay adds λ·y to u.
 */
function scheduleFree<H extends SFSettings>(name: string, owner: string, hyper: H): GradientTransformation<ScheduleFreeState<H>> {
  const adamw = 'beta1' in hyper;
  return peerTransform<H, ScheduleFreeState<H>>({
    name,
    hyper,
    validate: (h) => validate(owner, h),
    diagnostics: ['ckp1'],
    init: (params) => ({
      z: params.map((p) => tf.clone(p)),
      x: params.map((p) => tf.clone(p)),
      v: adamw ? params.map((p) => tf.zerosLike(p)) : null,
      lrMax: -1,
      weightSum: 0,
    }),
    update(grads, state, params) {
      const h: SFSettings = state.hyper;
      const k = state.count;
      const lrK = k < h.warmupSteps ? (h.lr * (k + 1)) / h.warmupSteps : h.lr;
      const lrMax = Math.max(state.lrMax, lrK);
      const w = Math.pow(k + 1, h.r) * Math.pow(lrMax, h.weightLrPower);
      const weightSum = state.weightSum + w;
      const c = weightSum === 0 ? 0 : w / weightSum;
      const beta = 'beta1' in h ? h.beta1 : h.momentum;
      let v: Tensors | null = null;
      let u = grads;
      if ('beta1' in h) {
        v = state.v!.map((vi, i) => tf.add(tf.mul(vi, h.beta2), tf.mul(tf.square(grads[i]!), 1 - h.beta2)));
        const root = 1 / Math.sqrt(1 - Math.pow(h.beta2, k + 1));
        u = grads.map((g, i) => tf.div(g, tf.add(tf.mul(tf.sqrt(v![i]!), root), h.eps)));
      }
      if (h.weightDecay !== 0) u = u.map((ui, i) => tf.add(ui, tf.mul(params[i]!, h.weightDecay)));
      const z = state.z.map((zi, i) => tf.sub(zi, tf.mul(u[i]!, lrK)));
      const x = state.x.map((xi, i) => (c === 1 ? z[i]! : tf.add(tf.mul(xi, 1 - c), tf.mul(z[i]!, c))));
      // Δy = −(y − y'): the guard's convention is Δθ = −m·u.
      const back = params.map((y, i) => tf.sub(y, tf.add(tf.mul(z[i]!, 1 - beta), tf.mul(x[i]!, beta))));
      const end = guardedUpdate(back, tf.scalar(1), tf.scalar(lrK), tf.scalar(0));
      return {
        updates: end.updates,
        state: { count: k + 1, hyper: state.hyper, z, x, v, lrMax, weightSum, diagnostics: { ...end.diagnostics, ckp1: tf.scalar(c) } },
      };
    },
    evalPoint: { name: 'x', params: (state) => state.x },
  });
}

export function scheduleFreeAdamW(
  settings: Partial<ScheduleFreeAdamWSettings> = {},
): GradientTransformation<ScheduleFreeState<ScheduleFreeAdamWSettings>> {
  return scheduleFree('sf-adamw', 'Schedule-Free AdamW', resolvePeerSettings('Schedule-Free AdamW', SF_ADAMW_DEFAULTS, settings));
}

export function scheduleFreeSGD(
  settings: Partial<ScheduleFreeSGDSettings> = {},
): GradientTransformation<ScheduleFreeState<ScheduleFreeSGDSettings>> {
  return scheduleFree('sf-sgd', 'Schedule-Free SGD', resolvePeerSettings('Schedule-Free SGD', SF_SGD_DEFAULTS, settings));
}
