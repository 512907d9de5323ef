import { paramSpec, type DiagnosticSpec } from '../../lib/settings';
import { betaSpec, defineOptimizer, epsSpec, lrSpec } from '../spec';
import { peerWeightDecay } from './common.meta';

/** The loss's lower bound: fixed (MoMo), or the floor of the online estimate (MoMo*, `useFstar`). */
const lb = paramSpec('lb', 'lower bound', 'f*', 0, -Infinity, Infinity, {
  log: false,
  maxOpen: true,
  help: 'a lower bound of the loss (the floor of the estimate with useFstar)',
});

/** What MoMo and MoMo-Adam record: the model's value at the current point and the lower bound after the step. */
export const MOMO_DIAGNOSTICS: readonly DiagnosticSpec[] = [
  // A chart of its own: as a companion of the loss it would share that chart's one dashed curve with L4's L_min.
  { key: 'h', label: 'Model value h (averaged linearisations at θ)', symbol: 'h', log: true },
  { key: 'lb', label: 'Lower bound f* (estimate)', symbol: 'f*', log: false },
];

/** MoMo, with fabian-sp/MoMo's names and defaults (momo/momo.py). */
export const momoMeta = defineOptimizer({
  id: 'momo',
  title: 'MoMo',
  summary:
    'MoMo (Schaipp et al. 2024): SGD-momentum at the Polyak step of a model of averaged past linearisations, τ = min(lr, (f̄ + ⟨d, θ⟩ − ḡ − f*)₊/‖d‖²).',
  settings: [lrSpec(1, [0.01, 100]), betaSpec('beta', 'β', 0.9), lb],
  // Weight decay as the official code: θ ← (θ − τ·d)/(1 + lr·λ).
  classSettings: [peerWeightDecay],
  switches: { biasCorrection: false, useFstar: false },
  diagnostics: MOMO_DIAGNOSTICS,
});

/** MoMo-Adam, with fabian-sp/MoMo's names and defaults (momo/momo_adam.py). */
export const momoAdamMeta = defineOptimizer({
  id: 'momo-adam',
  title: 'MoMo-Adam',
  summary: 'MoMo-Adam (Schaipp et al. 2024): Adam’s direction at the Polyak step of the averaged model, capped at lr/(1 − β1ⁿ).',
  settings: [lrSpec(0.01, [1e-4, 10]), betaSpec('beta1', 'β1', 0.9), betaSpec('beta2', 'β2', 0.999), epsSpec(1e-8, 'eps'), lb],
  classSettings: [peerWeightDecay],
  // divide: weight decay as θ/(1 + lr·λ) after the step (else θ·(1 − lr·λ) before it).
  switches: { divide: true, useFstar: false },
  diagnostics: MOMO_DIAGNOSTICS,
});

/**
 * MoMo* and MoMo-Adam* in the lab: the same methods with the lower bound estimated online (the classes' `useFstar`),
 * as catalogue entries of their own, since the lab's settings are numbers and choices.
 */
export const momoStarMeta = defineOptimizer({
  ...momoMeta,
  id: 'momo-star',
  title: 'MoMo*',
  summary: 'MoMo* (Schaipp et al. 2024): MoMo with the lower bound f* estimated online from the model (useFstar), floored at lb.',
  switches: { biasCorrection: false },
});

export const momoAdamStarMeta = defineOptimizer({
  ...momoAdamMeta,
  id: 'momo-adam-star',
  title: 'MoMo-Adam*',
  summary: 'MoMo-Adam* (Schaipp et al. 2024): MoMo-Adam with the lower bound f* estimated online from the model (useFstar), floored at lb.',
  switches: { divide: true },
});
