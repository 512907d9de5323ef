import * as tf from '@tensorflow/tfjs-core';
import { axpby, cautious as cautiousOf, sign } from '../kernels/elementwise';
import { ema } from '../tensors';
import type { GradientTransformation, Tensors } from '../types';
import { guardedUpdate, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { cLionMeta, lionMeta } from './lion.meta';

/** Lion's settings (lion.meta.ts): the lab's and its own decoupled weight decay. */
export type LionSettings = PeerSettings<typeof lionMeta>;

export interface LionState extends PeerState<LionSettings> {
  /** The EMA of the gradients with β2, updated after the step (the step uses the previous one). */
  readonly m: Tensors;
}

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), as google/automl's lion_pytorch.py:
 * θ ← θ·(1 − lr·λ); θ ← θ − lr·sign(β1·m + (1 − β1)·g) (sign(0) = 0); then m ← β2·m + (1 − β2)·g. Here as one
 * update Δθ = −lr·(sign(c) + λ·θ), with η = lr.
 */
export function lion(settings: Partial<LionSettings> = {}): GradientTransformation<LionState> {
  return lionTransform(lionMeta, settings, false);
}
lion.meta = lionMeta;

/**
 * Cautious Lion (C-Lion; Liang et al. 2024, kyleliang919/C-Optim's c_lion.py): Lion's sign step kept only where it
 * agrees in sign with the gradient, rescaled per tensor by n / (kept + ε) with ε = 1e-8 as `cautiousDirection` (the
 * paper's code adds 1); the decoupled weight decay is not masked.
 */
export function cautiousLion(settings: Partial<LionSettings> = {}): GradientTransformation<LionState> {
  return lionTransform(cLionMeta, settings, true);
}
cautiousLion.meta = cLionMeta;

function lionTransform(meta: typeof lionMeta, settings: Partial<LionSettings>, cautious: boolean): GradientTransformation<LionState> {
  const hyper = resolvePeer(meta, settings);
  return peerTransform<LionSettings, LionState>({
    meta,
    hyper,
    diagnostics: [],
    init: (params) => ({ m: params.map((p) => tf.zerosLike(p)) }),
    update(grads, state, params) {
      const h = state.hyper;
      const c = grads.map((g, i) => axpby(state.m[i]!, h.beta1, g, 1 - h.beta1));
      const u = (cautious ? cautiousOf(c, grads, 1e-8, { signOf: true }) : c.map((x) => sign(x))).map((s, i) =>
        h.weightDecay === 0 ? s : axpby(params[i]!, h.weightDecay, s, 1),
      );
      const lr = tf.scalar(h.learningRate);
      // sign() turns an infinite gradient into ±1, so ‖u‖² would not see it: the skip around every optimizer
      // (optim/skip.ts) takes such a step out before it gets here.
      const end = guardedUpdate(u, lr, lr, tf.scalar(0));
      return {
        updates: end.updates,
        state: {
          count: state.count + 1,
          hyper: h,
          m: ema(state.m, grads, h.beta2),
          diagnostics: end.diagnostics,
        },
      };
    },
  });
}
