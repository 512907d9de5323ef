import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { runScalarFormula, type ScalarFormula } from '../kernels/scalarFormula';
import { axpby, blendMinus, ratioStep } from '../kernels/elementwise';
import { sfPlusFused, sfPlusStep, sfPlusSums, type SfPlusCoefficients } from '../kernels/sfPlusStep';
import { ema, parameterSums } from '../tensors';
import type { GradientTransformation, Tensors } from '../types';
import { guardedStep, peerTransform, resolvePeer, type PeerSettings, type PeerState } from './common';
import { sfPlusMeta } from './scheduleFreePlus.meta';

export type SfPlusSettings = PeerSettings<typeof sfPlusMeta>;

export interface SfPlusState extends PeerState<SfPlusSettings> {
  /** The base (Adam) iterate z, the average x (the point to evaluate), Adam's moments of g at y. */
  readonly z: Tensors;
  readonly x: Tensors;
  readonly m: Tensors;
  readonly v: Tensors;
  /** The Polyak denominator C, the largest η so far and the sum of the averaging weights (device scalars). */
  readonly C: Scalar;
  readonly lrMax: Scalar;
  readonly weightSum: Scalar;
}

/** The Schedule-Free interpolation β at step k: sfBeta1, or annealed towards sfBeta1Max in log(1 − β). */
export function sfPlusBeta(h: SfPlusSettings, k: number): number {
  if (h.sfBeta1AnnealSteps === 0) return h.sfBeta1;
  const s = Math.min(k / h.sfBeta1AnnealSteps, 1);
  return 1 - Math.exp((1 - s) * Math.log(1 - h.sfBeta1) + s * Math.log(1 - h.sfBeta1Max));
}

type In = 'f' | 'ip' | 'l1' | 'C' | 'lrMax' | 'weightSum';
type Out = 'C' | 'polyakLr' | 'eta' | 'lrMax' | 'weightSum' | 'c' | 'flags';

/**
 * Items 4–8 of the fixtures' README: C = (β_p·C + (1 − β_p)·√(π/2)·‖g‖₁)/(1 − β_p^(k+1)) (the corrected value is
 * what the official code carries), polyakLr = (f + ip)₊/C, η = max(lr, ε)·polyakLr, lrMax = max(lrMax, η), and the
 * averaging weight c (1 during the c warm-up). A non-finite loss, or C = 0 (a zero gradient), takes no step.
 */
function sfPlusFormula(h: SfPlusSettings, k: number): ScalarFormula<In, Out> {
  const warm = k < h.cWarmup;
  return {
    name: 'ScheduleFreePlus',
    inputs: ['f', 'ip', 'l1', 'C', 'lrMax', 'weightSum'],
    outputs: ['C', 'polyakLr', 'eta', 'lrMax', 'weightSum', 'c', 'flags'],
    body: (x, v) => {
      const zero = x.c(0);
      const E = x.add(x.mul(v.C, x.c(h.polyakBeta)), x.mul(v.l1, x.c((1 - h.polyakBeta) * Math.sqrt(Math.PI / 2))));
      const C = x.div(E, x.c(1 - Math.pow(h.polyakBeta, k + 1)));
      const ok = x.and(x.finite(v.f), x.gt(C, zero));
      const polyakLr = x.select(ok, x.div(x.max(x.add(v.f, v.ip), zero), C), zero);
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
      return {
        C: x.select(ok, C, v.C),
        polyakLr,
        eta,
        lrMax: x.select(ok, lrMax, v.lrMax),
        weightSum: x.select(ok, weightSum, v.weightSum),
        c: x.select(ok, c, zero),
        flags: x.add(
          x.select(x.finite(v.f), zero, x.c(StepFlags.nonFiniteLoss)),
          x.select(x.gt(C, zero), zero, x.c(StepFlags.badDenominator)),
        ),
      };
    },
  };
}

/**
 * ScheduleFree+ (Defazio 2026), as facebookresearch/schedule_free's AdamCScheduleFreePlusPaper: z an Adam iterate
 * at the Polyak step η (AdamC's decay z ← z − η²·λ·y), x the average of the z's weighted by lrMax^p, and the
 * parameters y = β·x + (1 − β)·z, where the loss and the gradient are taken. The run evaluates at x.
 */
export function scheduleFreePlus(settings: Partial<SfPlusSettings> = {}): GradientTransformation<SfPlusState> {
  const hyper = resolvePeer(sfPlusMeta, settings);
  return peerTransform<SfPlusSettings, SfPlusState>({
    meta: sfPlusMeta,
    hyper,
    needsLoss: true,
    diagnostics: ['polyakLr', 'ckp1'],
    init: (params) => ({
      z: params.map((p) => tf.clone(p)),
      x: params.map((p) => tf.clone(p)),
      m: params.map((p) => tf.zerosLike(p)),
      v: params.map((p) => tf.zerosLike(p)),
      C: tf.scalar(0),
      lrMax: tf.scalar(hyper.eps),
      weightSum: tf.scalar(0),
    }),
    update(grads, state, y, loss) {
      const h = state.hyper;
      const k = state.count;
      const beta = sfPlusBeta(h, k);
      const fused = sfPlusFused(y);
      const [gzx, l1] = fused
        ? sfPlusSums(grads, state.z, state.x)
        : (parameterSums([{ dot: [grads, state.z.map((z, i) => tf.sub(z, state.x[i]!))] }, { l1: grads }]) as [Scalar, Scalar]);
      const ip = tf.mul(gzx, beta) as Scalar;
      const t = runScalarFormula(sfPlusFormula(h, k), { f: loss!, ip, l1, C: state.C, lrMax: state.lrMax, weightSum: state.weightSum });
      const bc1 = 1 - Math.pow(h.beta1, k + 1);
      const rootBc2 = Math.sqrt(1 - Math.pow(h.beta2, k + 1));
      // η·(m/bc1) / (√v/√bc2 + ε) as (η·√bc2/bc1)·m / (√v + ε·√bc2): the corrections in one scalar, two passes fewer.
      const minusEta = tf.mul(t.eta, -rootBc2 / bc1) as Scalar;
      const minusDecay = h.weightDecay === 0 ? null : (tf.mul(tf.square(t.eta), -h.weightDecay) as Scalar);
      const coefficients = {
        beta1: h.beta1,
        beta2: h.beta2,
        epsilon: h.eps * rootBc2,
        minusEta,
        minusDecay,
        c: t.c,
        keep: tf.sub(1, t.c) as Scalar,
        beta,
      };
      const { z, x, m, v, step, stepNormSq } = fused
        ? sfPlusStep({ y, z: state.z, x: state.x, m: state.m, v: state.v, g: grads }, coefficients)
        : opStep(state, grads, y, coefficients);
      const end = guardedStep(step, t.eta, t.flags, stepNormSq);
      return {
        updates: end.updates,
        state: {
          count: k + 1,
          hyper: h,
          z,
          x,
          m,
          v,
          C: t.C,
          lrMax: t.lrMax,
          weightSum: t.weightSum,
          diagnostics: { ...end.diagnostics, polyakLr: t.polyakLr, ckp1: t.c },
        },
      };
    },
    evalPoint: { name: 'x', params: (state, params) => (state.count === 0 ? params : state.x).map((p) => tf.clone(p)) },
  });
}
scheduleFreePlus.meta = sfPlusMeta;

interface StepParts {
  readonly z: Tensors;
  readonly x: Tensors;
  readonly m: Tensors;
  readonly v: Tensors;
  /** The step y_new − y. */
  readonly step: Tensors;
  /** Its ‖·‖², when the step computed it (else guardedStep does). */
  readonly stepNormSq?: Scalar;
}

/** The moments, z, x and the update op by op (each `axpby` and `ratio` one pass on WASM). */
function opStep(state: SfPlusState, grads: Tensors, y: Tensors, k: SfPlusCoefficients): StepParts {
  const m = ema(state.m, grads, k.beta1);
  const v = ema(state.v, grads, k.beta2, { square: true });
  // Each z ← z − a·b is written b·(−a) + z, which rounds the same (negation is exact): one pass on WASM, and the
  // decay, the ratio and the step one program on GPUs.
  const z = state.z.map((zi, i) =>
    ratioStep(m[i]!, v[i]!, k.epsilon, k.minusEta, zi, k.minusDecay === null ? undefined : { y: y[i]!, b: k.minusDecay }),
  );
  // x ← x + c·(z − x), written x·(1 − c) + z·c: one pass on WASM.
  const x = state.x.map((xi, i) => axpby(xi, k.keep, z[i]!, k.c));
  // The new parameters y = β·x + (1 − β)·z: the step is y_new − y (one program on GPUs).
  const step = y.map((yi, i) => blendMinus(x[i]!, k.beta, z[i]!, 1 - k.beta, yi));
  return { z, x, m, v, step };
}
