import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import type { SettingSpec } from '../../lib/settings';
import { MissingLossError } from '../flags';
import { stepEpilogue } from '../kernels/stepEpilogue';
import { scaleOrZero } from '../kernels/scaleOrZero';
import { checkAgainst, resolveSwitches, withDefaults, type OptimizerMeta, type OwnSettingsOf } from '../spec';
import { sumSquares } from '../tensors';
import type { Diagnostics, EvalAt, GradientTransformation, Hyper, OptState, StepOutput, Tensors } from '../types';

/**
 * The learning-rate-free peers of L4 (Prodigy, D-Adaptation, DoG, Schedule-Free): each is one pure transform
 * with its own state, written from `__fixtures__/golden-peers/README.md` (the behaviour of the official code).
 * They do not split into a direction and a stepsize rule (Prodigy's direction depends on its own d), so they
 * share only this: settings resolved against their defaults, the common diagnostics, and the guard every
 * optimizer's step ends with.
 */
export interface PeerState<H extends Hyper> extends OptState {
  readonly hyper: H;
}

/** A peer's own settings (lab names: `learningRate`), defaults filled in from its spec. */
export type PeerSettings<M extends OptimizerMeta> = OwnSettingsOf<M>;

/** Every spec of a peer's numbers: the lab's settings and the ones only its class takes. */
export const peerSpecs = (meta: OptimizerMeta): readonly SettingSpec[] => [...meta.settings, ...meta.classSettings];

/**
 * A peer's settings from `given`, against its spec: unknown keys refused (naming the valid ones), every value
 * checked against its domain, the switches checked to be true or false, the defaults filled in.
 */
export function resolvePeer<M extends OptimizerMeta>(meta: M, given: object): PeerSettings<M> {
  const switchKeys = Object.keys(meta.switches);
  const numbers: Record<string, unknown> = {};
  const switches: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) (switchKeys.includes(k) ? switches : numbers)[k] = v;
  const s = withDefaults(meta.title, peerSpecs(meta), numbers, switchKeys);
  checkAgainst(meta.title, peerSpecs(meta), s);
  return { ...s, ...resolveSwitches(meta.title, meta.switches, switches) } as PeerSettings<M>;
}

/** What the end of a peer's step reports. */
export interface GuardedUpdate {
  /** Δθ: exactly 0 for a skipped step. */
  readonly updates: Tensors;
  readonly diagnostics: Diagnostics;
}

/**
 * The end every step shares with the lab's other optimizers (kernels/stepEpilogue.ts): Δθ = −m·u, except that a
 * flagged step, or a direction that is not finite (NaN or ±Inf gradients), takes no step and writes zeros.
 * `eta` is the step size the run reports (it differs from the multiplier `m` when the direction already holds
 * it, as D-Adaptation's first moment does); it is 0 for a skipped step. `uNormSq` = ‖u‖² when the caller has it.
 */
export function guardedUpdate(u: Tensors, m: Scalar, eta: Scalar, flags: Scalar, uNormSq?: Scalar): GuardedUpdate {
  const end = stepEpilogue(m, flags, uNormSq ?? sumSquares(u), 1, eta === m ? undefined : eta);
  const updates = u.map((x) => scaleOrZero(x, end.scale));
  return { updates, diagnostics: { effectiveLr: end.effectiveLr, updateNorm: end.updateNorm, flags: end.flags } };
}

/**
 * `guardedUpdate` for a peer whose step already holds its size: Δθ = `step` itself (no multiply on cpu and WASM,
 * where the scale 1 is read in host memory: `scaleOrZero`), zeros for a flagged or non-finite step.
 */
export function guardedStep(step: Tensors, eta: Scalar, flags: Scalar, stepNormSq?: Scalar): GuardedUpdate {
  // Δθ = −m·v with m = 1 and v = −step: the scale is 0 − (1·−1) = 1, or +0 for a skipped step.
  const end = stepEpilogue(tf.scalar(1), flags, stepNormSq ?? sumSquares(step), -1, eta);
  const updates = step.map((x) => scaleOrZero(x, end.scale));
  return { updates, diagnostics: { effectiveLr: end.effectiveLr, updateNorm: end.updateNorm, flags: end.flags } };
}

/** The parts of a peer that differ; `peerTransform` adds the config, the common diagnostics and validation. */
export interface PeerDefinition<H extends Hyper, S extends PeerState<H>> {
  /** Its spec: the id names it, the settings validate it. */
  readonly meta: OptimizerMeta;
  readonly hyper: H;
  /** Its own diagnostics, beyond effectiveLr, updateNorm and flags (0 before the first step). */
  readonly diagnostics: readonly string[];
  /** The state before the first step, without count, hyper and diagnostics. */
  init(params: Tensors): Omit<S, keyof PeerState<H>>;
  /** `loss`: the step's loss, given whenever the peer `needsLoss` (MoMo's family builds its model from it). */
  update(grads: Tensors, state: S, params: Tensors, loss: Scalar | undefined): StepOutput<S>;
  readonly needsLoss?: boolean;
  readonly evalPoint?: EvalAt<S>;
}

export function peerTransform<H extends Hyper, S extends PeerState<H>>(def: PeerDefinition<H, S>): GradientTransformation<S> {
  const validate = (h: Hyper) => checkAgainst(def.meta.title, peerSpecs(def.meta), h);
  validate(def.hyper);
  const name = def.meta.id;
  return {
    config: { name, direction: name, directionHyper: {}, rule: name, hyper: def.hyper, weightDecay: null },
    needsLoss: def.needsLoss ?? false,
    validateHyper: validate,
    init(params) {
      const zero = tf.scalar(0);
      const diagnostics = Object.fromEntries([...def.diagnostics, 'effectiveLr', 'updateNorm', 'flags'].map((n) => [n, zero]));
      return { ...def.init(params), count: 0, hyper: def.hyper, diagnostics } as S;
    },
    update: (grads, state, params, inputs) => {
      if (def.needsLoss && inputs.loss === undefined) throw new MissingLossError(def.meta.title);
      return def.update(grads, state, params, inputs.loss);
    },
    ...(def.evalPoint ? { evalPoint: def.evalPoint } : {}),
  };
}

/** g + λ·x for every tensor (weight decay as L2 in the gradient); the gradients themselves when λ is 0. */
export function l2Gradient(grads: Tensors, params: Tensors, lambda: number): Tensors {
  return lambda === 0 ? grads : grads.map((g, i) => tf.add(g, tf.mul(params[i]!, lambda)));
}
