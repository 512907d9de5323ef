import type { Scalar, Tensor } from '@tensorflow/tfjs-core';

/** Parameters, gradients or updates: one tensor per parameter, always in the same order. */
export type Tensors = Tensor[];

/** Named per-step inputs. A rule that needs one and does not get it throws a sentence that says so. */
export interface StepInputs {
  /** The loss on the current batch, L(θ), as a device scalar. Required by L4, Polyak, SPS and ALI-G. */
  loss?: Scalar;
  /**
   * The step is known to be skipped (the flags that say why, `StepFlags`): the non-finite check (optim/skip.ts) is not
   * run again and the step changes nothing but the counter. The engine's runner sets it when it trains a slice again.
   */
  skip?: number;
  /**
   * Where the check runs on the device (WebGL, WebGPU): leave a skipped step's updates and state as the step made them
   * instead of choosing the old ones on the device, one pass per state tensor saved. Only for a caller that puts a
   * skipped step right itself, as the engine's runner does (it trains the slice again from a copy).
   */
  unguarded?: boolean;
}

/**
 * What a run shows, kept as device scalars in the optimizer state (never read back per step).
 * Every optimizer has `effectiveLr`, `updateNorm` and `flags`; the others depend on the rule.
 */
export type Diagnostics = Record<string, Scalar>;

/**
 * A transform's settings as the engine stores them: plain values (numbers; for the learning-rate-free peers also
 * switches and `null` for "unbounded" or "not set"), so that a live change is a value replacement. Each rule and
 * optimizer has its own typed settings (`L4Hyper`, `ProdigySettings`, …); this is their common erased form.
 */
export type HyperValue = number | boolean | null;
export type Hyper = Readonly<Record<string, HyperValue>>;

/** State shared by every transform: the step count, the live hyperparameters and the diagnostics. */
export interface OptState {
  /** Number of updates taken so far (0 before the first step). */
  readonly count: number;
  readonly hyper: Hyper;
  readonly diagnostics: Diagnostics;
}

/** Weight decay is an explicit, recorded choice, never silently dropped. */
export interface WeightDecayConfig {
  /**
   * 'l2': ½·λ·‖θ‖² is added to the loss the rule sees and λ·θ to the gradient (the paper's setting).
   * 'decoupled': θ ← θ − η_eff·λ·θ after the rule's step, with η_eff the step's effective learning rate.
   */
  readonly mode: 'l2' | 'decoupled';
  readonly coefficient: number;
}

/** A serialisable description of an optimizer: what it is and every setting it runs with. */
export interface OptimizerConfig {
  /** Recipe name, e.g. 'l4adam', 'adam', 'polyak'. */
  readonly name: string;
  /** The update direction, e.g. 'adam', 'momentum-ema'. */
  readonly direction: string;
  readonly directionHyper: Hyper;
  /** The stepsize rule, e.g. 'constant', 'l4', 'polyak', 'sps-max', 'ali-g'. */
  readonly rule: string;
  readonly hyper: Hyper;
  readonly weightDecay: WeightDecayConfig | null;
  /** The global norm the gradients are clipped to (`withClipping`), when they are. */
  readonly clipNorm?: number;
}

/** What a step returns: the updates Δθ and the new state. */
export interface StepOutput<S> {
  readonly updates: Tensors;
  readonly state: S;
  /**
   * Σ|g| of the very gradients `update` was given, where the transform sums it anyway (ScheduleFree+'s ‖g‖₁). The skip
   * guard (skip.ts) judges the gradients by this sum on the GPU backends and takes it rather than summing them again.
   * A wrapper that hands its inner transform other gradients (clipping, L2 decay) does not pass it on.
   */
  readonly gradsL1?: Scalar;
}

/**
 * A pure optimizer (optax's GradientTransformation): it never assigns variables.
 * `update` returns new tensors and leaves its inputs alone; the caller applies `θ ← θ + updates`
 * and disposes the replaced state (see `applyStep`).
 */
export interface GradientTransformation<S extends OptState = OptState> {
  readonly config: OptimizerConfig;
  /** True when `update` needs `inputs.loss`. */
  readonly needsLoss: boolean;
  init(params: Tensors): S;
  update(grads: Tensors, state: S, params: Tensors, inputs: StepInputs): StepOutput<S>;
  /** Checks a set of hyperparameters, throwing a sentence naming the bad one. */
  validateHyper(hyper: Hyper): void;
  /**
   * Where the model is evaluated and checkpointed when that is not the parameters it trains with: Schedule-Free's
   * averaged iterate x, DoG's polynomial-decay average. Absent: the trained parameters themselves.
   */
  readonly evalPoint?: EvalAt<S>;
}

/** A second point to evaluate a run at, besides its raw iterate. */
export interface EvalAt<S> {
  /** What the point is, for labels: 'x' (Schedule-Free) or 'average' (DoG). */
  readonly name: string;
  /** The point's tensors in the order of the parameters: new tensors, the caller's to dispose. */
  params(state: S, params: Tensors): Tensors;
}

/** The update direction v of a step (before any stepsize is applied). */
export interface Direction<S = unknown> {
  readonly name: string;
  readonly hyper: Hyper;
  /**
   * When the direction keeps a bias-corrected EMA of the gradient, its timescale (1/(1−β)).
   * L4 reuses that EMA as its gradient estimate g instead of computing it again.
   */
  readonly gradEmaTimescale?: number;
  init(params: Tensors): S;
  /**
   * `t` is the 1-based index of this update, for bias correction. `cautious` (the mask's ε): a direction that can
   * fold the cautious mask into its last pass does, and says so (`masked`); others ignore it (directions/cautious.ts).
   */
  update(grads: Tensors, state: S, t: number, o?: { cautious?: number }): DirectionOutput<S>;
}

/**
 * The direction as `vScale · v`: bias corrections and other per-step constants are host numbers folded
 * into the scale, so they cost one scalar multiply instead of a pass over every parameter.
 */
export interface DirectionOutput<S> {
  /** The direction up to the factor `vScale`. */
  v: Tensors;
  /** The true direction is vScale · v. */
  vScale: number;
  state: S;
  /**
   * The bias-corrected gradient EMA with timescale `gradEmaTimescale` is gradEmaScale · gradEma, when the
   * direction keeps one. `gradEma` may be the same tensors as `v`.
   */
  gradEma?: Tensors;
  gradEmaScale?: number;
  /** `v` is already the cautious direction asked for (`update`'s `cautious`). */
  masked?: boolean;
}
