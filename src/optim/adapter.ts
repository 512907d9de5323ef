import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';

/** One named gradient (tfjs-core has this type but does not export it). */
interface NamedTensor {
  name: string;
  tensor: Tensor;
}
import { applyStep, disposeState, setHyper } from './apply';
import { LossDomainError, StepFlags } from './flags';
import type { SettingSpec } from '../lib/settings';
import type { Transform } from './compose';
import { adam, momentum, rmsprop, sgd, type AdamOptions, type MomentumOptions, type RmsPropOptions, type SgdOptions } from './directions';
import { l4Adam, l4Mom, l4Muon, type ConstantHyper, type L4Hyper, type L4MuonOptions, type L4Options } from './stepsizes';
import {
  ademamix,
  ademamixMeta,
  lion,
  lionMeta,
  momo,
  momoAdam,
  momoAdamMeta,
  momoMeta,
  muon,
  muonMeta,
  scheduleFreePlus,
  sfPlusMeta,
  type SfPlusSettings,
  type MuonSettings,
  type MomoAdamSettings,
  type MomoSettings,
  type AdemamixSettings,
  type LionSettings,
  dadaptAdam,
  dadaptAdamMeta,
  dog,
  dogMeta,
  prodigy,
  prodigyMeta,
  scheduleFreeAdamW,
  scheduleFreeSGD,
  sfAdamWMeta,
  sfSgdMeta,
  type DAdaptAdamSettings,
  type DoGSettings,
  type ProdigySettings,
  type ScheduleFreeAdamWSettings,
  type ScheduleFreeSGDSettings,
} from './peers';
import { peerSpecs } from './peers/common';
import { checkAgainst, resolveSwitches, withDefaults, type OptimizerMeta } from './spec';
import type { Hyper, OptState, StepInputs, Tensors } from './types';

type ConfigDict = ReturnType<tf.Optimizer['getConfig']>;

/**
 * Turns any pure transform into a `tf.Optimizer`, for `model.compile({ optimizer })` / `model.fit` and
 * hand-written loops. `minimize(f)` passes the loss it computes to the rule, so L4 and the Polyak family
 * work unchanged under `model.fit`.
 *
 * Rules that assume L ≥ L* check it on the device; the flag is read asynchronously after each step (no
 * stall), and a violation is thrown as a `LossDomainError` by the next `minimize`/`applyGradients`, or at
 * once by `await checkLastStep()`.
 */
export class TransformOptimizer<H extends Hyper = Hyper> extends tf.Optimizer {
  static className = 'L4LabTransform';
  readonly transform: Transform;
  private state: OptState | null = null;
  private names: string[] | null = null;
  private domainError: Error | null = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(transform: Transform) {
    super();
    this.transform = transform;
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
    this.state = applyStep(this.transform, vars, grads, this.state as OptState, loss ? { loss } : {});
    this.incrementIterations();
    if (this.transform.needsLoss) this.watchFlags(this.state.diagnostics.flags as Scalar, this.iterations - 1);
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

/**
 * A peer's settings as its official code names them (the golden files' `hyper` objects): `lr` for the lab's
 * `learningRate`, null for an optional setting left unset.
 */
export type ClassSettings<H> = {
  readonly [K in keyof H as K extends 'learningRate' ? 'lr' : K]-?: undefined extends H[K] ? Exclude<H[K], undefined> | null : H[K];
};

/** The specs of a peer's class API: its settings under the official names, each named by its key in messages. */
function classSpecs(meta: OptimizerMeta): SettingSpec[] {
  return peerSpecs(meta).map((s) => {
    const key = s.key === 'learningRate' ? 'lr' : s.key;
    return { ...s, key, label: key, ...('symbol' in s ? { symbol: key } : {}) };
  });
}

const toLab = (h: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(h).flatMap(([k, v]) => (v === null || v === undefined ? [] : [[k === 'lr' ? 'learningRate' : k, v]])));

/** The class's settings checked under its own names (`lr`), as the official code's users write them. */
function checkClassSettings(meta: OptimizerMeta, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const specs = classSpecs(meta);
  const switchKeys = Object.keys(meta.switches);
  const numbers = Object.fromEntries(Object.entries(given).filter(([k]) => !switchKeys.includes(k)));
  checkAgainst(meta.title, specs, withDefaults(meta.title, specs, numbers, switchKeys));
  resolveSwitches(meta.title, meta.switches, Object.fromEntries(Object.entries(given).filter(([k]) => switchKeys.includes(k))));
  return toLab(given);
}

/**
 * A learning-rate-free peer as a tf.Optimizer that takes, reports and changes its settings as the official code
 * names them (`lr`, null for unset), so that the golden files' `hyper` objects go in as they are; the transform
 * underneath uses the lab's names.
 */
class PeerOptimizer<H extends Hyper> extends TransformOptimizer<ClassSettings<H>> {
  private readonly meta: OptimizerMeta;
  constructor(meta: OptimizerMeta, make: (settings: object) => Transform, settings: object) {
    super(make(checkClassSettings(meta, settings as Record<string, unknown>)));
    this.meta = meta;
  }
  override get hyper(): ClassSettings<H> {
    const lab = super.hyper as unknown as Readonly<Record<string, unknown>>;
    const out: Record<string, unknown> = {};
    for (const s of peerSpecs(this.meta)) out[s.key === 'learningRate' ? 'lr' : s.key] = lab[s.key] ?? null;
    for (const k of Object.keys(this.meta.switches)) out[k] = lab[k];
    return out as ClassSettings<H>;
  }
  override setHyper(patch: Partial<ClassSettings<H>>): void {
    const p = patch as Readonly<Record<string, unknown>>;
    checkAgainst(
      this.meta.title,
      classSpecs(this.meta).filter((s) => s.key in p),
      p,
    );
    super.setHyper(toLab(p) as Partial<ClassSettings<H>>);
  }
  override getConfig(): ConfigDict {
    return { ...this.hyper } as ConfigDict;
  }
}

/** Prodigy (Mishchenko & Defazio 2023), prodigyopt 1.1's defaults; settings named as there. */
export class Prodigy extends PeerOptimizer<ProdigySettings> {
  static override className = 'L4LabProdigy';
  constructor(settings: Partial<ClassSettings<ProdigySettings>> = {}) {
    super(prodigyMeta, prodigy, settings);
  }
}

/** D-Adaptation, Adam form (Defazio & Mishchenko 2023), dadaptation 3.x's defaults. */
export class DAdaptAdam extends PeerOptimizer<DAdaptAdamSettings> {
  static override className = 'L4LabDAdaptAdam';
  constructor(settings: Partial<ClassSettings<DAdaptAdamSettings>> = {}) {
    super(dadaptAdamMeta, dadaptAdam, settings);
  }
}

/** DoG (Ivgi, Hinder & Carmon 2023), global form; evaluate at `averagedParams()`, as its authors do. */
export class DoG extends PeerOptimizer<DoGSettings> {
  static override className = 'L4LabDoG';
  constructor(settings: Partial<ClassSettings<DoGSettings>> = {}) {
    super(dogMeta, dog, settings);
  }
  /** The polynomial-decay average of the iterates (γ = 8), in the order of the variables; see `evalParams`. */
  averagedParams(): Tensors | null {
    return this.evalParams();
  }
}

/** Schedule-Free AdamW (Defazio et al. 2024), schedule_free 1.3+; trains at y, evaluate at `evalParams()` (x). */
export class ScheduleFreeAdamW extends PeerOptimizer<ScheduleFreeAdamWSettings> {
  static override className = 'L4LabScheduleFreeAdamW';
  constructor(settings: Partial<ClassSettings<ScheduleFreeAdamWSettings>> = {}) {
    super(sfAdamWMeta, scheduleFreeAdamW, settings);
  }
}

/** Schedule-Free SGD (Defazio et al. 2024); trains at y, evaluate at `evalParams()` (x). */
export class ScheduleFreeSGD extends PeerOptimizer<ScheduleFreeSGDSettings> {
  static override className = 'L4LabScheduleFreeSGD';
  constructor(settings: Partial<ClassSettings<ScheduleFreeSGDSettings>> = {}) {
    super(sfSgdMeta, scheduleFreeSGD, settings);
  }
}

/** MoMo (Schaipp et al. 2024), fabian-sp/MoMo's defaults; settings named as there (`lr`, `useFstar` for MoMo*). */
export class MoMo extends PeerOptimizer<MomoSettings> {
  static override className = 'L4LabMoMo';
  constructor(settings: Partial<ClassSettings<MomoSettings>> = {}) {
    super(momoMeta, momo, settings);
  }
}

/** MoMo-Adam (Schaipp et al. 2024), fabian-sp/MoMo's defaults; `useFstar` for MoMo-Adam*. */
export class MoMoAdam extends PeerOptimizer<MomoAdamSettings> {
  static override className = 'L4LabMoMoAdam';
  constructor(settings: Partial<ClassSettings<MomoAdamSettings>> = {}) {
    super(momoAdamMeta, momoAdam, settings);
  }
}

/** Muon with its auxiliary AdamW (KellerJordan/Muon's SingleDeviceMuonWithAuxAdam): Muon on matrices, AdamW on vectors. */
export class Muon extends PeerOptimizer<MuonSettings> {
  static override className = 'L4LabMuon';
  constructor(settings: Partial<ClassSettings<MuonSettings>> = {}) {
    super(muonMeta, muon, settings);
  }
}

/** ScheduleFree+ (facebookresearch/schedule_free's AdamCScheduleFreePlusPaper); trains at y, evaluate at `evalParams()` (x). */
export class ScheduleFreePlus extends PeerOptimizer<SfPlusSettings> {
  static override className = 'L4LabScheduleFreePlus';
  constructor(settings: Partial<ClassSettings<SfPlusSettings>> = {}) {
    super(sfPlusMeta, scheduleFreePlus, settings);
  }
}

/** Lion (Chen et al. 2023), google/automl's defaults; settings named as there (`lr`, decoupled `weightDecay`). */
export class Lion extends PeerOptimizer<LionSettings> {
  static override className = 'L4LabLion';
  constructor(settings: Partial<ClassSettings<LionSettings>> = {}) {
    super(lionMeta, lion, settings);
  }
}

/** AdEMAMix (Pagliardini et al. 2024), apple/ml-ademamix's defaults; settings named as there (`lr`, `alphaWarmup`, …). */
export class AdEMAMix extends PeerOptimizer<AdemamixSettings> {
  static override className = 'L4LabAdEMAMix';
  constructor(settings: Partial<ClassSettings<AdemamixSettings>> = {}) {
    super(ademamixMeta, ademamix, settings);
  }
}

for (const cls of [
  L4Adam,
  L4Mom,
  L4Muon,
  Adam,
  Momentum,
  SGD,
  RMSProp,
  Prodigy,
  DAdaptAdam,
  DoG,
  ScheduleFreeAdamW,
  ScheduleFreeSGD,
  Lion,
  AdEMAMix,
  MoMo,
  MoMoAdam,
  Muon,
  ScheduleFreePlus,
])
  tf.serialization.registerClass(cls);
