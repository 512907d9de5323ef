/**
 * The peers and successors as tf.Optimizer classes: each takes, reports and changes its settings as its official
 * code names them (the golden files' `hyper` objects go in as they are), over the lab's transform.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SettingSpec } from '../lib/settings';
import type { Transform } from './compose';
import { TransformOptimizer, type ConfigDict } from './adapter';
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
import type { Hyper, Tensors } from './types';

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

for (const cls of [Prodigy, DAdaptAdam, DoG, ScheduleFreeAdamW, ScheduleFreeSGD, Lion, AdEMAMix, MoMo, MoMoAdam, Muon, ScheduleFreePlus])
  tf.serialization.registerClass(cls);
