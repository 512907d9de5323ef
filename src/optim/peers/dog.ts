import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { axpby } from '../kernels/elementwise';
import { sumSquares } from '../tensors';
import type { GradientTransformation, Tensors } from '../types';
import { guardedUpdate, l2Gradient, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { DOG_AVERAGE_GAMMA, dogMeta } from './dog.meta';

/** DoG's settings (dog.meta.ts): the lab's and its own weight decay. */
export type DoGSettings = PeerSettings<typeof dogMeta>;

export interface DoGState extends PeerState<DoGSettings> {
  /** r̄ = max(r̄, ‖x − x₀‖) and G = ε + Σ‖g‖² (device scalars). */
  readonly rbar: Scalar;
  readonly G: Scalar;
  /** x − x₀ as the sum of the steps taken (float32: subtracting a stored x₀ loses about three digits). */
  readonly displacement: Tensors;
  /** The polynomial-decay average of the iterates after each step (γ = 8); the DoG authors evaluate it. */
  readonly average: Tensors;
}

/**
 * DoG, "Distance over Gradients" (Ivgi, Hinder & Carmon 2023), global form: η = lr·r̄/√G with r̄ the largest
 * distance from the start so far and G the sum of squared gradient norms; Δx = −η·g. Every scalar stays on the
 * device. The polynomial-decay average of the iterates is the state's `average`, and the run's evaluation point.
 */
export function dog(settings: Partial<DoGSettings> = {}): GradientTransformation<DoGState> {
  const hyper = resolvePeer(dogMeta, settings);
  return peerTransform<DoGSettings, DoGState>({
    meta: dogMeta,
    hyper,
    diagnostics: ['rbar', 'G'],
    init: (params) => ({
      rbar: tf.scalar(0),
      G: tf.scalar(0),
      displacement: params.map((p) => tf.zerosLike(p)),
      average: params.map((p) => tf.zerosLike(p)),
    }),
    update(grads, state, params) {
      const h = state.hyper;
      const k = state.count;
      const g = l2Gradient(grads, params, h.weightDecay);
      const gsq = sumSquares(g);
      let rbar: Scalar;
      let G: Scalar;
      if (k === 0) {
        rbar = h.initEta === undefined ? (tf.mul(tf.add(tf.sqrt(sumSquares(params)), 1), h.repsRel) as Scalar) : tf.scalar(0);
        G = tf.add(gsq, h.eps) as Scalar;
      } else {
        rbar = tf.maximum(state.rbar, tf.sqrt(sumSquares(state.displacement))) as Scalar;
        G = tf.add(state.G, gsq) as Scalar;
      }
      const eta = k === 0 && h.initEta !== undefined ? tf.scalar(h.initEta) : (tf.mul(tf.div(rbar, tf.sqrt(G)), h.learningRate) as Scalar);
      const end = guardedUpdate(g, eta, eta, tf.scalar(0), gsq);
      // The t-th update's weight; w = 1 at t = 1, so x₀ never enters the average.
      const w = (DOG_AVERAGE_GAMMA + 1) / (DOG_AVERAGE_GAMMA + k + 1);
      const average = params.map((p, i) => {
        const x = tf.add(p, end.updates[i]!);
        return w === 1 ? x : axpby(state.average[i]!, 1 - w, x, w);
      });
      return {
        updates: end.updates,
        state: {
          count: k + 1,
          hyper: h,
          rbar,
          G,
          displacement: state.displacement.map((x, i) => tf.add(x, end.updates[i]!)),
          average,
          diagnostics: { ...end.diagnostics, rbar, G },
        },
      };
    },
    evalPoint: { name: 'average', params: (state, params) => (state.count === 0 ? params : state.average).map((t) => tf.clone(t)) },
  });
}
dog.meta = dogMeta;
