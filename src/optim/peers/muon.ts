import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { SettingSpec } from '../../lib/settings';
import { axpby } from '../kernels/elementwise';
import { checkAgainst, withDefaults } from '../spec';
import type { Direction, GradientTransformation, Tensors } from '../types';
import { guardedUpdate, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { MUON_DIRECTION, muonMeta, VECTOR_SCALE } from './muon.meta';

export type MuonSettings = PeerSettings<typeof muonMeta>;

export interface MuonState extends PeerState<MuonSettings> {
  /** Per parameter: the momentum buffer of a matrix, AdamW's first moment of a vector. */
  readonly m: Tensors;
  /** AdamW's second moment of a vector; an empty tensor for a matrix. */
  readonly v: Tensors;
}

/** The quintic Newton–Schulz coefficients of the official code. */
const NS = [3.4445, -4.775, 2.0315] as const;

/**
 * U orthogonalised (the official zeropower_via_newtonschulz5, in float32 here where the official runs bfloat16):
 * X = U, transposed when it has more rows than columns, divided by ‖X‖_F + 1e-7; `steps` times P = X·Xᵀ,
 * X = a·X + (b·P + c·P·P)·X; transposed back.
 */
export function newtonSchulz(u: Tensor, steps: number): Tensor {
  const [r, c] = u.shape as [number, number];
  const tall = r > c;
  let x: Tensor = tall ? tf.transpose(u) : u;
  x = tf.div(x, tf.add(tf.norm(x), 1e-7));
  const [a, b, cc] = NS;
  for (let i = 0; i < steps; i++) {
    const p = tf.matMul(x, x, false, true);
    const q = tf.add(tf.mul(p, b), tf.mul(tf.matMul(p, p), cc));
    x = tf.add(tf.mul(x, a), tf.matMul(q, x));
  }
  return tall ? tf.transpose(x) : x;
}

/** A parameter of two or more dimensions as a matrix: all but the last dimension as its rows (a conv kernel's kh·kw·in). */
const asMatrix = (t: Tensor): Tensor => (t.rank === 2 ? t : tf.reshape(t, [t.size / t.shape[t.rank - 1]!, t.shape[t.rank - 1]!]));

/**
 * Muon (Jordan et al. 2024) as KellerJordan/Muon's SingleDeviceMuonWithAuxAdam: every parameter of two or more
 * dimensions gets B = μ·B + (1 − μ)·g, U = (1 − μ)·g + μ·B (Nesterov; U = B without), O = NS(U)·√max(1, r/c) and
 * W ← W·(1 − lr·λ) − lr·O; every vector gets AdamW at adamLr. η = lr.
 */
export function muon(settings: Partial<MuonSettings> = {}): GradientTransformation<MuonState> {
  const hyper = resolvePeer(muonMeta, settings);
  return peerTransform<MuonSettings, MuonState>({
    meta: muonMeta,
    hyper,
    diagnostics: [],
    init: (params) => ({
      m: params.map((p) => tf.zerosLike(p)),
      v: params.map((p) => (p.rank >= 2 ? tf.zeros([0]) : tf.zerosLike(p))),
    }),
    update(grads, state, params) {
      const h = state.hyper;
      const n = state.count + 1;
      const m: Tensor[] = [];
      const v: Tensor[] = [];
      const u = grads.map((g, i) => {
        const p = params[i]!;
        if (p.rank >= 2) {
          const B = axpby(state.m[i]!, h.momentum, g, 1 - h.momentum);
          m.push(B);
          v.push(state.v[i]!);
          const U = h.nesterov ? axpby(g, 1 - h.momentum, B, h.momentum) : B;
          const mat = asMatrix(U);
          const [r, c] = mat.shape as [number, number];
          const O = tf.reshape(tf.mul(newtonSchulz(mat, h.nsSteps), Math.sqrt(Math.max(1, r / c))), p.shape);
          return h.weightDecay === 0 ? O : tf.add(O, tf.mul(p, h.weightDecay));
        }
        // AdamW on a vector, scaled so that the step's one multiplier lr gives adamLr.
        const mi = axpby(state.m[i]!, h.adamBeta1, g, 1 - h.adamBeta1);
        const vi = axpby(state.v[i]!, h.adamBeta2, g, 1 - h.adamBeta2, { square: true });
        m.push(mi);
        v.push(vi);
        const step = tf.div(tf.div(mi, 1 - Math.pow(h.adamBeta1, n)), tf.add(tf.sqrt(tf.div(vi, 1 - Math.pow(h.adamBeta2, n))), h.adamEps));
        const withDecay = h.adamWeightDecay === 0 ? step : tf.add(step, tf.mul(p, h.adamWeightDecay));
        return tf.mul(withDecay, h.adamLr / h.learningRate);
      });
      const lr = tf.scalar(h.learningRate);
      const end = guardedUpdate(u, lr, lr, tf.scalar(0));
      return { updates: end.updates, state: { count: n, hyper: h, m, v, diagnostics: end.diagnostics } };
    },
  });
}
muon.meta = muonMeta;

export interface MuonDirectionState {
  /** Per parameter: a matrix's momentum buffer B, a vector's Adam first moment; a vector's second moment (empty for a matrix). */
  readonly m: Tensors;
  readonly v: Tensors;
}

const DIRECTION_SPECS: readonly SettingSpec[] = [...MUON_DIRECTION, VECTOR_SCALE];

/**
 * Muon's update as a direction, for a stepsize rule to scale (L4 over Muon): v = NS((1 − μ)·g + μ·B)·√max(1, r/c)
 * on every parameter of two or more dimensions (B ← μ·B + (1 − μ)·g), and vectorScale times Adam's direction
 * m̂/(√v̂ + ε) on the vectors, so that v is Muon's own update divided by its lr (weight decay left out).
 */
export function muonDirection(
  options: Partial<Record<'momentum' | 'nsSteps' | 'adamBeta1' | 'adamBeta2' | 'adamEps' | 'vectorScale', number>> = {},
): Direction<MuonDirectionState> {
  const h = withDefaults('The Muon direction', DIRECTION_SPECS, options) as Record<string, number>;
  checkAgainst('muon', DIRECTION_SPECS, h);
  const { momentum, nsSteps, adamBeta1, adamBeta2, adamEps, vectorScale } = h as Record<string, number> & { momentum: number };
  return {
    name: 'muon',
    hyper: { ...h },
    init: (params) => ({
      m: params.map((p) => tf.zerosLike(p)),
      v: params.map((p) => (p.rank >= 2 ? tf.zeros([0]) : tf.zerosLike(p))),
    }),
    update: (grads, state, t) => {
      const m: Tensor[] = [];
      const v: Tensor[] = [];
      const dir = grads.map((g, i) => {
        if (g.rank >= 2) {
          const B = axpby(state.m[i]!, momentum, g, 1 - momentum);
          m.push(B);
          v.push(state.v[i]!);
          const mat = asMatrix(axpby(g, 1 - momentum, B, momentum));
          const [r, c] = mat.shape as [number, number];
          return tf.reshape(tf.mul(newtonSchulz(mat, nsSteps!), Math.sqrt(Math.max(1, r / c))), g.shape);
        }
        const mi = axpby(state.m[i]!, adamBeta1!, g, 1 - adamBeta1!);
        const vi = axpby(state.v[i]!, adamBeta2!, g, 1 - adamBeta2!, { square: true });
        m.push(mi);
        v.push(vi);
        const adam = tf.div(tf.div(mi, 1 - Math.pow(adamBeta1!, t)), tf.add(tf.sqrt(tf.div(vi, 1 - Math.pow(adamBeta2!, t))), adamEps!));
        return tf.mul(adam, vectorScale!);
      });
      return { v: dir, vScale: 1, state: { m, v } };
    },
  };
}
