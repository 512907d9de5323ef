/**
 * Bits of the `flags` diagnostic. A flagged step takes no step (η = 0). The flags live on the device
 * and are read back in batches with the other diagnostics, never per step.
 */
export const StepFlags = {
  /** The loss was NaN or ±Inf: the step was skipped (optim/skip.ts), the optimizer's state left as it was. */
  nonFiniteLoss: 1,
  /** The loss was below the rule's floor (negative for L4 and ALI-G, below f* for Polyak and SPS). */
  lossBelowFloor: 2,
  /** gᵀv ≤ 0 or a non-finite denominator: the step direction is unusable. */
  badDenominator: 4,
  /** The gradients (or the direction) held NaN or ±Inf: the step was skipped, parameters and state left as they were. */
  nonFiniteDirection: 8,
} as const;

export type StepFlagName = keyof typeof StepFlags;

/** The names of the bits set in a flags value. */
export function decodeFlags(bits: number): StepFlagName[] {
  return (Object.keys(StepFlags) as StepFlagName[]).filter((k) => (bits & StepFlags[k]) !== 0);
}

/** Thrown when a rule that assumes L ≥ f* (L4, Polyak, SPS, ALI-G) is given a loss below it. */
export class LossDomainError extends Error {
  constructor(rule: string, floor: string, step: number) {
    super(
      `${rule} was given a loss below ${floor} at step ${step}: its stepsize η = α·(L − L*)/(gᵀv) assumes ` +
        `L ≥ ${floor}. Use a non-negative loss (e.g. cross-entropy or a squared error), or shift it by a ` +
        `constant. The step was skipped (η = 0).`,
    );
    this.name = 'LossDomainError';
  }
}

/** Thrown when a rule that needs the loss is stepped without `{ loss }`. */
export class MissingLossError extends Error {
  constructor(rule: string) {
    super(
      `${rule} needs the current loss: pass it as update(grads, state, params, { loss }) ` +
        `or call optimizer.minimize(f), which computes it.`,
    );
    this.name = 'MissingLossError';
  }
}

/** Thrown for a hyperparameter outside its domain; names the parameter and the rule. */
export class HyperparameterError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = 'HyperparameterError';
  }
}
