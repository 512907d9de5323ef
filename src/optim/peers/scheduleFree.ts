import * as tf from '@tensorflow/tfjs-core';
import { axpby, ratio } from '../kernels/elementwise';
import type { GradientTransformation, Tensors } from '../types';
import type { OptimizerMeta } from '../spec';
import { guardedUpdate, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { sfAdamWMeta, sfSgdMeta } from './scheduleFree.meta';

/** Schedule-Free AdamW's and SGD's settings (scheduleFree.meta.ts): the lab's and their own weight decay. */
export type ScheduleFreeAdamWSettings = PeerSettings<typeof sfAdamWMeta>;
export type ScheduleFreeSGDSettings = PeerSettings<typeof sfSgdMeta>;

type SFSettings = ScheduleFreeAdamWSettings | ScheduleFreeSGDSettings;

/**
 * The trained parameters are y = (1 − β)·z + β·x, with z the base iterate and x the weighted average of the z's
 * (the point to evaluate and checkpoint). As the official code does, the state keeps z beside the parameters y and x
 * is recovered as (y − (1 − β)·z)/β when asked for: a step then costs 5 fewer passes over the parameters than
 * updating z and x and forming y. The averaging weights are host numbers.
 */
export interface ScheduleFreeState<H extends SFSettings = SFSettings> extends PeerState<H> {
  readonly z: Tensors;
  /** AdamW only: the undivided EMA of g², Σ β2^(k−j)·g_j² (the EMA is (1 − β2) times it). */
  readonly v: Tensors | null;
  readonly lrMax: number;
  readonly weightSum: number;
}

/**
 * Schedule-Free (Defazio et al. 2024, "The Road Less Scheduled"), as schedule_free 1.3 and later: with the
 * warm-up lr_k, c = w_k/Σw (w_k = (k+1)^r·max lr^p), z ← z − lr_k·u, x ← (1 − c)·x + c·z, y = (1 − β)·z + β·x;
 * in y and z alone: y ← (1 − c)·y + c·z + lr_k·(β·(1 − c) − 1)·u, then z ← z − lr_k·u.
 * u is g (SGD) or g/(√(v/(1 − β2^(k+1))) + ε) (AdamW); weight decay adds λ·y to u.
 */
function scheduleFree<H extends SFSettings>(meta: OptimizerMeta, hyper: H): GradientTransformation<ScheduleFreeState<H>> {
  const adamw = 'beta1' in hyper;
  const betaOf = (h: SFSettings) => ('beta1' in h ? h.beta1 : h.momentum);
  return peerTransform<H, ScheduleFreeState<H>>({
    meta,
    hyper,
    diagnostics: ['ckp1'],
    init: (params) => ({
      z: params.map((p) => tf.clone(p)),
      v: adamw ? params.map((p) => tf.zerosLike(p)) : null,
      lrMax: -1,
      weightSum: 0,
    }),
    update(grads, state, y) {
      const h: SFSettings = state.hyper;
      const k = state.count;
      const lrK = k < h.warmupSteps ? (h.learningRate * (k + 1)) / h.warmupSteps : h.learningRate;
      const lrMax = Math.max(state.lrMax, lrK);
      const w = Math.pow(k + 1, h.r) * Math.pow(lrMax, h.weightLrPower);
      const weightSum = state.weightSum + w;
      const c = weightSum === 0 ? 0 : w / weightSum;
      const beta = betaOf(h);
      // u = a·û (+ λ·y): for AdamW û = g/(√v + ε/a'), a = 1/a' with a' = √((1 − β2)/(1 − β2^(k+1))) turning the
      // undivided sum into the corrected second moment; for SGD û = g, a = 1.
      let v: Tensors | null = null;
      let uHat = grads;
      let a = 1;
      if ('beta1' in h) {
        v = state.v!.map((vi, i) => axpby(vi, h.beta2, grads[i]!, 1, { square: true }));
        const root = Math.sqrt((1 - h.beta2) / (1 - Math.pow(h.beta2, k + 1)));
        a = 1 / root;
        uHat = grads.map((g, i) => ratio(g, v![i]!, h.eps * a));
      }
      const u = h.weightDecay === 0 ? uHat : uHat.map((ui, i) => axpby(ui, a, y[i]!, h.weightDecay));
      const uScale = h.weightDecay === 0 ? a : 1;
      // y − y' = c·(y − z) − lr_k·(β·(1 − c) − 1)·u: the guard's convention is Δθ = −m·(y − y').
      const yCoef = -lrK * (beta * (1 - c) - 1) * uScale;
      const back = y.map((yi, i) => axpby(tf.sub(yi, state.z[i]!), c, u[i]!, yCoef));
      const end = guardedUpdate(back, tf.scalar(1), tf.scalar(lrK), tf.scalar(0));
      // z − u·k written u·(−k) + z: the same rounding, one pass on WASM.
      const z = state.z.map((zi, i) => axpby(u[i]!, -lrK * uScale, zi, 1));
      return {
        updates: end.updates,
        state: { count: k + 1, hyper: state.hyper, z, v, lrMax, weightSum, diagnostics: { ...end.diagnostics, ckp1: tf.scalar(c) } },
      };
    },
    evalPoint: {
      name: 'x',
      // x = (y − (1 − β)·z)/β.
      params: (state, y) => {
        const beta = betaOf(state.hyper);
        return tf.tidy(() => y.map((yi, i) => tf.div(tf.sub(yi, tf.mul(state.z[i]!, 1 - beta)), beta)));
      },
    },
  });
}

export function scheduleFreeAdamW(
  settings: Partial<ScheduleFreeAdamWSettings> = {},
): GradientTransformation<ScheduleFreeState<ScheduleFreeAdamWSettings>> {
  return scheduleFree(sfAdamWMeta, resolvePeer(sfAdamWMeta, settings));
}
scheduleFreeAdamW.meta = sfAdamWMeta;

export function scheduleFreeSGD(
  settings: Partial<ScheduleFreeSGDSettings> = {},
): GradientTransformation<ScheduleFreeState<ScheduleFreeSGDSettings>> {
  return scheduleFree(sfSgdMeta, resolvePeer(sfSgdMeta, settings));
}
scheduleFreeSGD.meta = sfSgdMeta;
