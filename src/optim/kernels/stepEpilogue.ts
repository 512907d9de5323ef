import type { Scalar } from '@tensorflow/tfjs-core';
import { StepFlags } from '../flags';
import { runScalarFormula, type ScalarFormula } from './scalarFormula';

/** What every step reports, and the factor its direction is multiplied by. */
export interface StepEpilogue {
  /** η: 0 when the step is skipped. */
  readonly effectiveLr: Scalar;
  /** The rule's flags, plus `nonFiniteDirection` when ‖v‖² is not finite. */
  readonly flags: Scalar;
  /** ‖Δθ‖ = η·vScale·‖v‖ (η ≥ 0). */
  readonly updateNorm: Scalar;
  /** Δθ = scale·v; exactly 0 for a skipped step. */
  readonly scale: Scalar;
}

/**
 * The common end of every step (stepsizes/rule.ts): a flagged step, or a direction that is not finite (NaN or
 * ±Inf in the gradients), takes no step and reports η = 0 and ‖Δθ‖ = 0. A scalar formula (scalarFormula.ts):
 * on WASM and cpu it is computed on the values in host memory (one `tf.scalar` per output instead of ~12 scalar
 * ops of ~10 µs of bookkeeping each, which on a 2-D task is a third of a step), on WebGL one shader (its scale
 * written packed, as the element-wise programs that multiply by it read it), on WebGPU a program per output.
 * `reported`: the η to report when it is not the multiplier `effectiveLr` (0 too for a skipped step).
 */
export function stepEpilogue(effectiveLr: Scalar, flags: Scalar, vNormSq: Scalar, vScale: number, reported?: Scalar): StepEpilogue {
  if (reported === undefined)
    return runScalarFormula(stepEnd(vScale, false), { eta: effectiveLr, flags, normSq: vNormSq, reported: effectiveLr });
  return runScalarFormula(stepEnd(vScale, true), { eta: effectiveLr, flags, normSq: vNormSq, reported });
}

type In = 'eta' | 'flags' | 'normSq' | 'reported';

/**
 * With `reports`, the η reported is the input `reported` (a peer whose multiplier m of its update is not its η:
 * `guardedUpdate`, `guardedStep` in peers/common.ts), in the same program, where a choice after it took two programs
 * more on WebGL and the packing of their scalars; without, it is the multiplier itself and `reported` is not read.
 */
function stepEnd(vScale: number, reports: boolean): ScalarFormula<In, keyof StepEpilogue> {
  return {
    name: reports ? 'StepEpilogueReported' : 'StepEpilogue',
    inputs: reports ? ['eta', 'flags', 'normSq', 'reported'] : ['eta', 'flags', 'normSq'],
    outputs: ['effectiveLr', 'flags', 'updateNorm', 'scale'],
    broadcast: ['scale'],
    body: (x, v) => {
      const all = x.add(v.flags, x.select(x.finite(v.normSq), x.c(0), x.c(StepFlags.nonFiniteDirection)));
      const ok = x.eq(all, x.c(0));
      const eta = x.select(ok, v.eta, x.c(0));
      const etaV = x.mul(eta, x.c(vScale));
      return {
        effectiveLr: reports ? x.select(ok, v.reported, x.c(0)) : eta,
        flags: all,
        // A negative vScale (v is the step itself, reversed: `guardedStep`) reports ‖Δθ‖ as 0 − ηv times ‖v‖.
        updateNorm: x.select(ok, x.mul(x.sqrt(v.normSq), vScale < 0 ? x.sub(x.c(0), etaV) : etaV), x.c(0)),
        // 0 − ηv rather than −ηv: a skipped step's scale is +0.
        scale: x.sub(x.c(0), etaV),
      };
    },
  };
}
