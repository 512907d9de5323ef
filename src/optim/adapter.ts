import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';

/** One named gradient (tfjs-core has this type but does not export it). */
interface NamedTensor {
  name: string;
  tensor: Tensor;
}
import { judgesOnDevice, skipNonFinite } from './skip';
import { applyStep, disposeState, setHyper } from './apply';
import { keepBefore, releaseBefore, retakeAsSkip, verdictOf, wasSkipped, type StepBefore } from './exactStep';
import { LossDomainError, StepFlags } from './flags';
import type { Transform } from './compose';
import { adam, momentum, rmsprop, sgd, type AdamOptions, type MomentumOptions, type RmsPropOptions, type SgdOptions } from './directions';
import { l4Adam, l4Mom, l4Muon, type ConstantHyper, type L4Hyper, type L4MuonOptions, type L4Options } from './stepsizes';
import type { Hyper, OptState, StepInputs, Tensors } from './types';

/** tfjs's serialisable config of an optimizer. */
export type ConfigDict = ReturnType<tf.Optimizer['getConfig']>;

/**
 * Turns any pure transform into a `tf.Optimizer`, for `model.compile({ optimizer })` / `model.fit` and
 * hand-written loops. `minimize(f)` passes the loss it computes to the rule, so L4 and the Polyak family
 * work unchanged under `model.fit`.
 *
 * Rules that assume L ≥ L* check it on the device; the flag is read asynchronously after each step (no
 * stall), and a violation is thrown as a `LossDomainError` by the next `minimize`/`applyGradients`, or at
 * once by `await checkLastStep()`.
 *
 * A step with non-finite gradients or loss is a step not taken (optim/skip.ts), the step count included. On WASM and
 * cpu the check runs on the host before the step. On WebGL the device judges the step, and the class reads the step's
 * verdict back after each step (three scalars in one read: a sync per step, as PyTorch's GradScaler reads its found-inf flag); a
 * step it finds skipped is taken again from copies of the parameters and the state before it, as a known skip (the
 * host path: the old state itself, its count included), so the device need not choose old values on every step
 * (`unguarded`). On WebGPU, which has no dependable synchronous read, the device keeps every tensor of a skipped
 * step and the verdict is read asynchronously; when it comes before the next step (`await opt.checkLastStep()` after
 * each step, or as a `model.fit` callback: `callbacks: { onBatchEnd: () => opt.checkLastStep() }`), a skipped step is
 * taken again from the state before it as a known skip, exactly as on the host. A verdict that comes after the next
 * step is too late to put right (the step count and the host-side numbers, Schedule-Free's weights, ran one step
 * ahead from it): `lateVerdicts` counts those, and the console says so once. The engine's runner, which needs no sync
 * per step, puts a skipped step right at its next flush on both (engine/sliceReplay.ts).
 */
export class TransformOptimizer<H extends Hyper = Hyper> extends tf.Optimizer {
  static className = 'L4LabTransform';
  readonly transform: Transform;
  private state: OptState | null = null;
  private names: string[] | null = null;
  private domainError: Error | null = null;
  private pending: Promise<void> = Promise.resolve();
  /** Where verdicts come asynchronously (WebGPU): what retaking the last step as a skip needs, until its verdict. */
  private unheard: Unheard | null = null;
  /** Bumped by dispose(): verdicts of an earlier life are not heard. */
  private life = 0;
  /**
   * WebGPU: skipped steps whose verdict came after the next step had been taken, so that the step count (and the
   * host-side numbers of Schedule-Free) ran one step ahead from them. 0 when each step's verdict is awaited.
   */
  lateVerdicts = 0;

  constructor(transform: Transform) {
    super();
    // A hand-built composition gets the same guard as the catalogue's (a no-op for a finished transform).
    this.transform = skipNonFinite(transform);
  }

  /** The last step's diagnostics, on the device; valid until the next step. Empty before the first step. */
  get diagnostics(): Record<string, Scalar> {
    return this.state?.diagnostics ?? {};
  }

  /**
   * Where to evaluate and checkpoint the model when that is not the trained parameters (Schedule-Free's x,
   * DoG's average), one tensor per variable in the order the first step received them (`minimize`'s `varList`);
   * null for optimizers that evaluate at their parameters, and before the first step. New tensors: dispose them.
   */
  evalParams(): Tensors | null {
    const point = this.transform.evalPoint;
    if (!point || !this.state || !this.names) return null;
    return point.params(this.state, this.variables(this.names));
  }

  /** The live settings of the rule (typed per class: `L4Hyper`, `ProdigySettings`, …). */
  get hyper(): H {
    return (this.pendingHyper ?? this.state?.hyper ?? this.transform.config.hyper) as H;
  }

  /**
   * Changes settings live (validated); they apply from the next step. An unknown key is a type error, and at run
   * time a sentence naming the valid ones.
   */
  setHyper(patch: Partial<H>): void {
    if (this.state) this.state = setHyper(this.transform, this.state, patch as Hyper);
    else {
      for (const k of Object.keys(patch))
        if (!(k in this.transform.config.hyper))
          throw new Error(
            `${this.transform.config.name} has no hyperparameter "${k}" (it has ${Object.keys(this.transform.config.hyper).join(', ')}).`,
          );
      const hyper = { ...this.transform.config.hyper, ...patch };
      this.transform.validateHyper(hyper);
      this.pendingHyper = hyper;
    }
  }
  private pendingHyper: Hyper | null = null;

  override minimize(f: () => Scalar, returnCost = false, varList?: Variable[]): Scalar | null {
    this.throwDomainError();
    const { value, grads } = this.computeGradients(f, varList);
    try {
      const list = varList ? varList.map((v) => ({ name: v.name, tensor: grads[v.name] as Tensor })) : grads;
      this.step(list, value);
    } finally {
      tf.dispose(grads);
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** Like `tf.Optimizer.applyGradients`, with the loss as a named input for the rules that need it. */
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[], inputs: StepInputs = {}): void {
    this.throwDomainError();
    this.step(variableGradients, inputs.loss);
  }

  /** Waits for the pending flag checks and throws a `LossDomainError` if a step saw a loss below its floor. */
  async checkLastStep(): Promise<void> {
    await this.pending;
    this.throwDomainError();
  }

  override dispose(): void {
    if (this.state) disposeState(this.state);
    this.state = null;
    this.names = null;
    this.forget();
    this.lateVerdicts = 0;
    this.life++;
  }

  override getConfig(): ConfigDict {
    const c = this.transform.config;
    return { ...c.directionHyper, ...this.hyper, weightDecay: c.weightDecay ? { ...c.weightDecay } : null } as ConfigDict;
  }

  private step(variableGradients: NamedTensorMap | NamedTensor[], loss: Scalar | undefined): void {
    const entries: [string, Tensor | null][] = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor])
      : Object.entries(variableGradients);
    const byName = new Map(entries);
    if (this.names === null) {
      this.names = entries.map(([n]) => n);
      const vars = this.variables(this.names);
      this.state = this.transform.init(vars);
      if (this.pendingHyper) this.state = setHyper(this.transform, this.state, this.pendingHyper);
      this.pendingHyper = null;
    } else if (entries.length !== this.names.length || this.names.some((n) => !byName.has(n))) {
      throw new Error(
        `${this.transform.config.name}: the variables changed since the first step ` +
          `(had ${this.names.join(', ')}; got ${entries.map(([n]) => n).join(', ')}). Use a new optimizer.`,
      );
    }
    const vars = this.variables(this.names);
    const grads = this.names.map((n) => {
      const g = byName.get(n);
      if (g == null) throw new Error(`${this.transform.config.name}: no gradient for variable "${n}".`);
      return g;
    });
    this.state = this.stepExactly(vars, grads, this.state as OptState, loss);
    this.incrementIterations();
    if (this.transform.needsLoss) this.watchFlags(this.state.diagnostics.flags as Scalar, this.iterations - 1);
  }

  /**
   * One step; where the device judges it, unguarded (the device does not choose old values), read back, and when
   * skipped taken again from copies of the parameters and the state before it, as a known skip (see above).
   */
  private stepExactly(vars: Variable[], grads: Tensor[], state: OptState, loss: Scalar | undefined): OptState {
    const inputs: StepInputs = loss ? { loss } : {};
    if (!judgesOnDevice(this.transform)) return applyStep(this.transform, vars, grads, state, inputs);
    if (!this.readsVerdictsAtOnce()) return this.stepThenHear(vars, grads, state, inputs);
    const before = keepBefore(vars, grads, state, inputs);
    const next = applyStep(this.transform, vars, grads, state, { ...inputs, unguarded: true });
    const verdict = verdictOf(before, next);
    const v = verdict.dataSync();
    verdict.dispose();
    if (wasSkipped(v)) return retakeAsSkip(this.transform, vars, before, next, v[2]!);
    releaseBefore(before);
    return next;
  }

  /**
   * Whether a step's verdict can be read back at once. Not on WebGPU: tfjs's synchronous read there goes through a
   * canvas, and under SwiftShader it returns wrong values for anything computed on the GPU. (Tests force the other way.)
   */
  protected readsVerdictsAtOnce(): boolean {
    return tf.getBackend() !== 'webgpu';
  }

  /**
   * A guarded step (the device keeps every tensor of a skipped one), its verdict read asynchronously; until it is
   * heard, what the step started from is kept to take it again as a known skip.
   */
  private stepThenHear(vars: Variable[], grads: Tensor[], state: OptState, inputs: StepInputs): OptState {
    this.forget(); // a verdict not heard by now comes too late (see `hear`)
    const before = keepBefore(vars, grads, state, inputs);
    const next = applyStep(this.transform, vars, grads, state, inputs);
    const verdict = verdictOf(before, next);
    const unheard = { vars, before };
    this.unheard = unheard;
    const life = this.life;
    const read = verdict.data().then((v) => {
      verdict.dispose();
      if (life === this.life) this.hear(unheard, v);
    });
    this.pending = Promise.all([this.pending, read]).then(() => undefined);
    return next;
  }

  /** A step's verdict: if it was skipped and no step came since, it is taken again from the state before it. */
  private hear(step: Unheard, verdict: ArrayLike<number>): void {
    if (this.unheard !== step) {
      if (wasSkipped(verdict)) {
        if (this.lateVerdicts === 0)
          console.warn(
            `${this.transform.config.name}: a skipped step's verdict came back after the next step (WebGPU reads it asynchronously), ` +
              'so the step count ran one step ahead from it. Await opt.checkLastStep() after each step (in model.fit: ' +
              'callbacks: { onBatchEnd: () => opt.checkLastStep() }) for exact skips.',
          );
        this.lateVerdicts++;
      }
      return;
    }
    this.unheard = null;
    if (wasSkipped(verdict) && this.state) this.state = retakeAsSkip(this.transform, step.vars, step.before, this.state, verdict[2]!);
    else releaseBefore(step.before);
  }

  /** Lets go of what a step awaiting its verdict kept. */
  private forget(): void {
    if (this.unheard) releaseBefore(this.unheard.before);
    this.unheard = null;
  }

  private variables(names: string[]): Variable[] {
    const registered = tf.engine().registeredVariables;
    return names.map((n) => {
      const v = registered[n];
      if (!v) throw new Error(`${this.transform.config.name}: no variable named "${n}" is registered.`);
      return v;
    });
  }

  private watchFlags(flags: Scalar, step: number): void {
    const probe = tf.keep(tf.clone(flags));
    const read = probe.data().then((v) => {
      if (((v[0] as number) & StepFlags.lossBelowFloor) !== 0 && this.domainError === null) {
        const c = this.transform.config;
        const floor = 'fStar' in c.hyper ? `f* = ${this.hyper.fStar}` : '0';
        this.domainError = new LossDomainError(c.name, floor, step);
      }
    });
    this.pending = Promise.all([this.pending, read]).then(
      () => probe.dispose(),
      (e: unknown) => {
        probe.dispose();
        throw e;
      },
    );
  }

  private throwDomainError(): void {
    if (this.domainError) throw this.domainError;
  }
}

/** A step awaiting its verdict (WebGPU): what it started from, to take it again as a known skip. */
interface Unheard {
  readonly vars: Variable[];
  readonly before: StepBefore;
}

/** An optimizer whose config (for tfjs's serialization) is its own typed settings, as its constructor takes them. */
class SettingsOptimizer<H extends Hyper> extends TransformOptimizer<H> {
  override getConfig(): ConfigDict {
    return { ...this.hyper } as ConfigDict;
  }
}

/** L4 over Adam with the paper's defaults (α 0.15, γ 0.9, τ 1000, γ0 0.75, ε 1e-12). */
export class L4Adam extends SettingsOptimizer<L4Hyper> {
  static override className = 'L4Adam';
  constructor(opts: L4Options = {}) {
    super(l4Adam(opts));
  }
}

/** L4 over the momentum EMA with the paper's defaults. */
export class L4Mom extends SettingsOptimizer<L4Hyper> {
  static override className = 'L4Mom';
  constructor(opts: L4Options = {}) {
    super(l4Mom(opts));
  }
}

/** L4 over Muon's direction (orthogonalised momentum on matrices, Adam on vectors) with the paper's L4 defaults. */
export class L4Muon extends SettingsOptimizer<L4Hyper> {
  static override className = 'L4Muon';
  constructor(opts: L4MuonOptions = {}) {
    super(l4Muon(opts));
  }
}

/** Adam (defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-4, the paper's baseline; `epsilonForm: 'tensorflow'` as the paper ran it). */
export class Adam extends TransformOptimizer<ConstantHyper> {
  static override className = 'L4LabAdam';
  constructor(opts: AdamOptions = {}) {
    super(adam(opts));
  }
}

/** Heavy-ball momentum: acc ← μ·acc + g, θ ← θ − lr·acc. */
export class Momentum extends TransformOptimizer<ConstantHyper> {
  static override className = 'L4LabMomentum';
  constructor(opts: MomentumOptions = {}) {
    super(momentum(opts));
  }
}

/** Plain SGD. */
export class SGD extends TransformOptimizer<ConstantHyper> {
  static override className = 'L4LabSGD';
  constructor(opts: SgdOptions = {}) {
    super(sgd(opts));
  }
}

/** RMSProp: v = g/(√s + ε), s the EMA of g² with decay ρ; `form: 'tf1'` is TensorFlow 1's (s from 1, ε inside the root). */
export class RMSProp extends TransformOptimizer<ConstantHyper> {
  static override className = 'L4LabRMSProp';
  constructor(opts: RmsPropOptions = {}) {
    super(rmsprop(opts));
  }
}

for (const cls of [L4Adam, L4Mom, L4Muon, Adam, Momentum, SGD, RMSProp]) tf.serialization.registerClass(cls);
