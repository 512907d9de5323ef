import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { MissingLossError } from '../flags';
import { stepEpilogue } from '../kernels/stepEpilogue';
import { scaleOrZero } from '../kernels/scaleOrZero';
import { sumSquares } from '../tensors';
import type { Diagnostics, Direction, GradientTransformation, Hyper, OptState, StepInputs, Tensors } from '../types';

/** The state of a direction wrapped by a stepsize rule. */
export interface RuleState<DS = unknown, RS = unknown> extends OptState {
  readonly direction: DS;
  readonly rule: RS;
}

/** What a stepsize rule sees at one step; `H` is its own typed settings. */
export interface StepContext<RS, H extends Hyper = Hyper> {
  readonly grads: Tensors;
  readonly params: Tensors;
  /** The direction's proposal is vScale · v. */
  readonly v: Tensors;
  readonly vScale: number;
  /** The direction's bias-corrected gradient EMA is gradEmaScale · gradEma, when it has one. */
  readonly gradEma: Tensors | undefined;
  readonly gradEmaScale: number | undefined;
  readonly gradEmaTimescale: number | undefined;
  /** The loss, present whenever the rule declares `needsLoss` (or the caller passed one). */
  readonly loss: Scalar | undefined;
  readonly hyper: H;
  /** Updates taken before this one (0 at the first step). */
  readonly count: number;
  readonly state: RS;
}

/** What a stepsize rule returns: η (the update is −η·vScale·v) and its own bookkeeping. */
export interface StepResult<RS> {
  /** η. */
  readonly effectiveLr: Scalar;
  readonly state: RS;
  /** Bitmask of `StepFlags`; η must already be 0 when any bit is set. */
  readonly flags: Scalar;
  /** Extra named diagnostics (lossMin, numerator, gDotV, …). */
  readonly diagnostics: Diagnostics;
  /** ‖v‖² of the unscaled v, when the rule has it already (saves a reduction). */
  readonly vNormSq?: Scalar;
}

/** A stepsize rule: how large a step to take along the direction's v. */
export interface StepsizeRule<RS, H extends Hyper = Hyper> {
  readonly name: string;
  readonly needsLoss: boolean;
  /** Its typed settings (a type alias of named numbers), live-changeable through `setHyper`. */
  readonly hyper: H;
  /** The names of the extra diagnostics `stepsize` returns (present, as 0, from `init` on). */
  readonly diagnostics: readonly string[];
  validateHyper(hyper: H): void;
  init(params: Tensors, direction: Direction<unknown>): RS;
  stepsize(ctx: StepContext<RS, H>): StepResult<RS>;
}

/**
 * Composes a direction and a stepsize rule into one pure transform (optax's `chain`): the update is
 * Δθ = −η·v (v = vScale·v₀ as the direction returns it), and every optimizer reports `effectiveLr` (η), `updateNorm` (‖Δθ‖ = |η|·‖v‖) and `flags`.
 */
export function withStepsize<DS, RS, H extends Hyper>(
  recipe: string,
  direction: Direction<DS>,
  rule: StepsizeRule<RS, H>,
): GradientTransformation<RuleState<DS, RS>> {
  rule.validateHyper(rule.hyper);
  return {
    config: {
      name: recipe,
      direction: direction.name,
      directionHyper: direction.hyper,
      rule: rule.name,
      hyper: rule.hyper,
      weightDecay: null,
    },
    needsLoss: rule.needsLoss,
    // The state holds the rule's own settings (setHyper refuses any other key), so they are its H.
    validateHyper: (h) => rule.validateHyper(h as H),
    init(params) {
      const zero = tf.scalar(0);
      return {
        count: 0,
        hyper: rule.hyper,
        direction: direction.init(params),
        rule: rule.init(params, direction as Direction<unknown>),
        diagnostics: {
          ...Object.fromEntries(rule.diagnostics.map((n) => [n, zero])),
          effectiveLr: zero,
          updateNorm: zero,
          flags: zero,
        },
      };
    },
    update(grads, state, params, inputs: StepInputs) {
      if (rule.needsLoss && inputs.loss === undefined) throw new MissingLossError(recipe);
      const t = state.count + 1;
      const out = direction.update(grads, state.direction, t);
      const res = rule.stepsize({
        grads,
        params,
        v: out.v,
        vScale: out.vScale,
        gradEma: out.gradEma,
        gradEmaScale: out.gradEmaScale,
        gradEmaTimescale: direction.gradEmaTimescale,
        loss: inputs.loss,
        hyper: state.hyper as H,
        count: state.count,
        state: state.rule,
      });
      // Every rule's η is ≥ 0 (a flagged step has η = 0), so ‖Δθ‖ = η·vScale·‖v‖.
      const vNormSq = res.vNormSq ?? sumSquares(out.v);
      // A flagged step, or a direction that is not finite, takes no step (kernels/stepEpilogue.ts); a zero scale
      // writes zeros, not 0·NaN (kernels/scaleOrZero.ts).
      const end = stepEpilogue(res.effectiveLr, res.flags, vNormSq, out.vScale);
      const updates = out.v.map((x) => scaleOrZero(x, end.scale));
      return {
        updates,
        state: {
          count: t,
          hyper: state.hyper,
          direction: out.state,
          rule: res.state,
          diagnostics: { ...res.diagnostics, effectiveLr: end.effectiveLr, updateNorm: end.updateNorm, flags: end.flags },
        },
      };
    },
  };
}
