import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { runScalarFormula, type ScalarFormula } from '../kernels/scalarFormula';
import { axpby, ratioStep } from '../kernels/elementwise';
import { sfPlusFused, sfPlusStep, type SfPlusCoefficients } from '../kernels/sfPlusStep';
import { ema, parameterSums } from '../tensors';
import type { GradientTransformation, Tensors } from '../types';
import { guardedStep, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { sfPlusMeta } from './scheduleFreePlus.meta';

export type SfPlusSettings = PeerSettings<typeof sfPlusMeta>;

export interface SfPlusState extends PeerState<SfPlusSettings> {
  /**
   * w = z − y: the base (Adam) iterate z less the parameters y. The average x is not kept: y = β·x + (1 − β)·z gives
   * x = y − ((1 − β)/β)·w (β > 0, sfPlusMeta), with the β of the last step. One parameter-sized state fewer than
   * the official code's z and x, and ⟨g, z − x⟩ = ⟨g, w⟩/β without a difference to form.
   */
  readonly w: Tensors;
  /** Adam's moments of g at y. */
  readonly m: Tensors;
  readonly v: Tensors;
  /** The Polyak denominator C, the largest η so far and the sum of the averaging weights (device scalars). */
  readonly C: Scalar;
  readonly lrMax: Scalar;
  readonly weightSum: Scalar;
}

/** The state of a checkpoint saved before ScheduleFree+ kept w: the official code's z and x. */
interface SavedWithZX extends Omit<SfPlusState, 'w'> {
  readonly z: Tensors;
  readonly x: Tensors;
}

/** The Schedule-Free interpolation β at step k: sfBeta1, or annealed towards sfBeta1Max in log(1 − β). */
export function sfPlusBeta(h: SfPlusSettings, k: number): number {
  if (h.sfBeta1AnnealSteps === 0) return h.sfBeta1;
  const s = Math.min(k / h.sfBeta1AnnealSteps, 1);
  return 1 - Math.exp((1 - s) * Math.log(1 - h.sfBeta1) + s * Math.log(1 - h.sfBeta1Max));
}

/** w of a state, from z and y where a checkpoint saved z and x (resumes stay possible). */
function wOf(state: SfPlusState | SavedWithZX, y: Tensors): Tensors {
  return 'w' in state ? state.w : state.z.map((z, i) => tf.sub(z, y[i]!));
}

/** The point to evaluate, x = y − ((1 − β)/β)·w with the β of the last step (y itself before the first). */
function evalX(state: SfPlusState, y: Tensors): Tensors {
  if (state.count === 0) return y.map((p) => tf.clone(p));
  const beta = sfPlusBeta(state.hyper, state.count - 1);
  return tf.tidy(() => {
    const w = wOf(state, y);
    return y.map((yi, i) => axpby(w[i]!, -(1 - beta) / beta, yi, 1));
  });
}

type In = 'f' | 'gw' | 'l1' | 'C' | 'lrMax' | 'weightSum';
type Coefficient = 'wKeep' | 'wStep' | 'sKeep' | 'sRatio' | 'sDecay';
type Out = 'C' | 'polyakLr' | 'eta' | 'lrMax' | 'weightSum' | 'c' | 'flags' | Coefficient;

/**
 * Items 2–8 of the fixtures' README, and the step's coefficients: ip = (β/β_prev)·⟨g, w⟩ (= β⟨g, z − x⟩),
 * C = (β_p·C + (1 − β_p)·√(π/2)·‖g‖₁)/(1 − β_p^(k+1)) (the corrected value is what the official code carries),
 * polyakLr = (f + ip)₊/C, η = max(lr, ε)·polyakLr, lrMax = max(lrMax, η), and the averaging weight c (1 during the c
 * warm-up). A non-finite loss, or C = 0 (a zero gradient), takes no step.
 *
 * Then items 9–12 with w = z − y, as coefficients of one pass: with Δ = z_new − z (the Adam step on z and AdamC's
 * decay, Δ = −η·√bc2/bc1 · m/(√v + ε√bc2) − η²·λ·y), x_new = (1 − c)·x + c·z_new and y_new = β·x_new + (1 − β)·z_new
 * give w_new = a·w + b·Δ and y_new − y = (1 − a)·w + (1 − b)·Δ, with b = β(1 − c) and a = (β/β_prev)(1 − c). The
 * step is formed first; w_new then comes from it and w alone (Δ = (step − (1 − a)·w)/(1 − b)): w_new =
 * ((a − b)/(1 − b))·w + (b/(1 − b))·step, where a − b = (β/β_prev − β)(1 − c) and 1 − b ≥ 1 − β > 0 — a pass over two
 * tensors, not over m, v, w (and y) again.
 */
function sfPlusFormula(h: SfPlusSettings, k: number): ScalarFormula<In, Out> {
  const warm = k < h.cWarmup;
  const beta = sfPlusBeta(h, k);
  // β/β_prev: 1 without annealing (and at the first step, where w = 0).
  const q = k === 0 ? 1 : beta / sfPlusBeta(h, k - 1);
  const bc1 = 1 - Math.pow(h.beta1, k + 1);
  const rootBc2 = Math.sqrt(1 - Math.pow(h.beta2, k + 1));
  return {
    name: 'ScheduleFreePlus',
    inputs: ['f', 'gw', 'l1', 'C', 'lrMax', 'weightSum'],
    outputs: ['C', 'polyakLr', 'eta', 'lrMax', 'weightSum', 'c', 'flags', 'wKeep', 'wStep', 'sKeep', 'sRatio', 'sDecay'],
    // Each scales every tensor a step (the new w and the step), packed once on WebGL.
    broadcast: h.weightDecay === 0 ? ['wKeep', 'wStep', 'sKeep', 'sRatio'] : ['wKeep', 'wStep', 'sKeep', 'sRatio', 'sDecay'],
    body: (x, v) => {
      const zero = x.c(0);
      const ip = q === 1 ? v.gw : x.mul(v.gw, x.c(q));
      const E = x.add(x.mul(v.C, x.c(h.polyakBeta)), x.mul(v.l1, x.c((1 - h.polyakBeta) * Math.sqrt(Math.PI / 2))));
      const C = x.div(E, x.c(1 - Math.pow(h.polyakBeta, k + 1)));
      const ok = x.and(x.finite(v.f), x.gt(C, zero));
      const polyakLr = x.select(ok, x.div(x.max(x.add(v.f, ip), zero), C), zero);
      const eta = x.mul(polyakLr, x.c(Math.max(h.learningRate, h.eps)));
      const lrMax = x.max(v.lrMax, eta);
      let weightSum = v.weightSum;
      let c = x.c(1);
      if (!warm) {
        // w = (k + 1)^r · lrMax^p, the power as repeated products (p is a whole number: sfPlusMeta).
        let weight = x.c(Math.pow(k + 1, h.r));
        for (let i = 0; i < h.weightLrPower; i++) weight = x.mul(weight, lrMax);
        weightSum = x.add(v.weightSum, weight);
        c = x.div(weight, weightSum);
      }
      c = x.select(ok, c, zero);
      // η·(m/bc1) / (√v/√bc2 + ε) as (η·√bc2/bc1)·m / (√v + ε·√bc2): the corrections in one scalar.
      const minusEta = x.mul(eta, x.c(-rootBc2 / bc1));
      const minusDecay = x.mul(x.mul(eta, eta), x.c(-h.weightDecay));
      // b = β(1 − c), 1 − b = (1 − β) + β·c, a = q(1 − c), 1 − a = (1 − q) + q·c: each without a cancellation.
      const b = x.mul(x.c(beta), x.sub(x.c(1), c));
      const oneMinusB = x.add(x.c(1 - beta), x.mul(x.c(beta), c));
      return {
        C: x.select(ok, C, v.C),
        polyakLr,
        eta,
        lrMax: x.select(ok, lrMax, v.lrMax),
        weightSum: x.select(ok, weightSum, v.weightSum),
        c,
        flags: x.add(
          x.select(x.finite(v.f), zero, x.c(StepFlags.nonFiniteLoss)),
          x.select(x.gt(C, zero), zero, x.c(StepFlags.badDenominator)),
        ),
        wKeep: x.div(x.mul(x.c(q - beta), x.sub(x.c(1), c)), oneMinusB),
        wStep: x.div(b, oneMinusB),
        sKeep: q === 1 ? c : x.add(x.c(1 - q), x.mul(x.c(q), c)),
        sRatio: x.mul(oneMinusB, minusEta),
        sDecay: x.mul(oneMinusB, minusDecay),
      };
    },
  };
}

/**
 * ScheduleFree+ (Defazio 2026), as facebookresearch/schedule_free's AdamCScheduleFreePlusPaper: z an Adam iterate
 * at the Polyak step η (AdamC's decay z ← z − η²·λ·y), x the average of the z's weighted by lrMax^p, and the
 * parameters y = β·x + (1 − β)·z, where the loss and the gradient are taken. The run evaluates at x. It keeps
 * w = z − y in place of z and x (SfPlusState): the same sequences, one state and one pass a step fewer.
 */
export function scheduleFreePlus(settings: Partial<SfPlusSettings> = {}): GradientTransformation<SfPlusState> {
  const hyper = resolvePeer(sfPlusMeta, settings);
  return peerTransform<SfPlusSettings, SfPlusState>({
    meta: sfPlusMeta,
    hyper,
    needsLoss: true,
    diagnostics: ['polyakLr', 'ckp1'],
    init: (params) => ({
      w: params.map((p) => tf.zerosLike(p)),
      m: params.map((p) => tf.zerosLike(p)),
      v: params.map((p) => tf.zerosLike(p)),
      C: tf.scalar(0),
      lrMax: tf.scalar(hyper.eps),
      weightSum: tf.scalar(0),
    }),
    update(grads, state, y, loss) {
      const h = state.hyper;
      const k = state.count;
      const w = wOf(state, y);
      const [gw, l1] = parameterSums([{ dot: [grads, w] }, { l1: grads }]) as [Scalar, Scalar];
      const t = runScalarFormula(sfPlusFormula(h, k), { f: loss!, gw, l1, C: state.C, lrMax: state.lrMax, weightSum: state.weightSum });
      const coefficients: SfPlusCoefficients = {
        beta1: h.beta1,
        beta2: h.beta2,
        epsilon: h.eps * Math.sqrt(1 - Math.pow(h.beta2, k + 1)),
        hasDecay: h.weightDecay !== 0,
        ...t,
      };
      const next = sfPlusFused(y)
        ? sfPlusStep({ y, w, m: state.m, v: state.v, g: grads }, coefficients)
        : opStep(state, w, grads, y, coefficients);
      const end = guardedStep(next.step, t.eta, t.flags, next.stepNormSq);
      return {
        updates: end.updates,
        gradsL1: l1,
        state: {
          count: k + 1,
          hyper: h,
          w: next.w,
          m: next.m,
          v: next.v,
          C: t.C,
          lrMax: t.lrMax,
          weightSum: t.weightSum,
          diagnostics: { ...end.diagnostics, polyakLr: t.polyakLr, ckp1: t.c },
        },
      };
    },
    evalPoint: { name: 'x', params: evalX },
  });
}
scheduleFreePlus.meta = sfPlusMeta;

interface StepParts {
  readonly w: Tensors;
  readonly m: Tensors;
  readonly v: Tensors;
  /** The step y_new − y. */
  readonly step: Tensors;
  /** Its ‖·‖², when the step computed it (else guardedStep does). */
  readonly stepNormSq?: Scalar;
}

/** The moments, the step and w op by op (each `axpby` and `ratioStep` one pass on WASM, one program on GPUs). */
function opStep(state: SfPlusState, w: Tensors, grads: Tensors, y: Tensors, k: SfPlusCoefficients): StepParts {
  const m = ema(state.m, grads, k.beta1);
  const v = ema(state.v, grads, k.beta2, { square: true });
  // a·w + r·ρ + y·δ written r·ρ + (y·δ + w·a) (r·ρ + w·a without decay), as `ratioStep` computes it.
  const step = w.map((wi, i) =>
    ratioStep(m[i]!, v[i]!, k.epsilon, k.sRatio, wi, k.sKeep, k.hasDecay ? { y: y[i]!, b: k.sDecay } : undefined),
  );
  return { w: w.map((wi, i) => axpby(wi, k.wKeep, step[i]!, k.wStep)), m, v, step };
}
