/**
 * The learning-rate-free peers' settings and defaults, named as ../shared/golden-peers and the official code name
 * them. Free of tfjs, so the catalogue (and through it the page's main thread) can read them.
 */
/** Prodigy's settings, named as the golden files (and prodigyopt 1.1) name them. */
export type ProdigySettings = {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  /** null: √beta2. */
  readonly beta3: number | null;
  readonly eps: number;
  readonly weightDecay: number;
  /** Decoupled (AdamW-style) decay when true, L2 in the gradient when false. */
  readonly decouple: boolean;
  readonly useBiasCorrection: boolean;
  readonly safeguardWarmup: boolean;
  readonly d0: number;
  readonly dCoef: number;
  /** null: unbounded. */
  readonly growthRate: number | null;
};

export const PRODIGY_DEFAULTS: ProdigySettings = {
  lr: 1,
  beta1: 0.9,
  beta2: 0.999,
  beta3: null,
  eps: 1e-8,
  weightDecay: 0,
  decouple: true,
  useBiasCorrection: false,
  safeguardWarmup: false,
  d0: 1e-6,
  dCoef: 1,
  growthRate: null,
};

/** D-Adaptation Adam's settings, named as the golden files (and dadaptation 3.x) name them. */
export type DAdaptAdamSettings = {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decouple: boolean;
  readonly useBiasCorrection: boolean;
  readonly d0: number;
  /** null: unbounded. */
  readonly growthRate: number | null;
};

export const DADAPT_ADAM_DEFAULTS: DAdaptAdamSettings = {
  lr: 1,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decouple: false,
  useBiasCorrection: false,
  d0: 1e-6,
  growthRate: null,
};

/** DoG's settings, named as the golden files (and formll/dog) name them. */
export type DoGSettings = {
  readonly lr: number;
  readonly repsRel: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** null: not set (the first step uses r̄ = repsRel·(1 + ‖x₀‖)). */
  readonly initEta: number | null;
};

export const DOG_DEFAULTS: DoGSettings = { lr: 1, repsRel: 1e-6, eps: 1e-8, weightDecay: 0, initEta: null };

/** The weight γ of DoG's polynomial-decay average: w_t = (γ + 1)/(γ + t). */
export const DOG_AVERAGE_GAMMA = 8;

/** Schedule-Free AdamW's settings, named as the golden files (and schedule_free 1.3+) name them. */
export type ScheduleFreeAdamWSettings = {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly warmupSteps: number;
  readonly r: number;
  readonly weightLrPower: number;
};

/** Schedule-Free SGD's settings. */
export type ScheduleFreeSGDSettings = {
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly warmupSteps: number;
  readonly r: number;
  readonly weightLrPower: number;
};

export const SF_ADAMW_DEFAULTS: ScheduleFreeAdamWSettings = {
  lr: 0.0025,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  warmupSteps: 0,
  r: 0,
  weightLrPower: 2,
};

export const SF_SGD_DEFAULTS: ScheduleFreeSGDSettings = { lr: 1, momentum: 0.9, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2 };
