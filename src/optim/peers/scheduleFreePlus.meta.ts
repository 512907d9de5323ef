import { paramSpec } from '../../lib/settings';
import { betaSpec, defineOptimizer, epsSpec, lrSpec } from '../spec';
import { peerWeightDecay } from './common.meta';

const steps = (key: 'cWarmup' | 'sfBeta1AnnealSteps', label: string, help: string) =>
  paramSpec(key, label, label, 0, 0, Infinity, { minOpen: false, log: false, integer: true, advanced: true, help });

/** ScheduleFree+, with facebookresearch/schedule_free's names and defaults (AdamCScheduleFreePlusPaper). */
export const sfPlusMeta = defineOptimizer({
  id: 'sf-plus',
  title: 'ScheduleFree+',
  summary: 'ScheduleFree+ (Defazio 2026): Schedule-Free AdamC at a Polyak step, η = lr·(L + β⟨g, z − x⟩)₊ / (√(π/2)·‖g‖₁); evaluated at x.',
  settings: [
    lrSpec(1, [0.01, 10]),
    betaSpec('beta1', 'β1', 0.9),
    betaSpec('beta2', 'β2', 0.95),
    { ...betaSpec('sfBeta1', 'β (Schedule-Free)', 0.9), minOpen: true },
    epsSpec(1e-8, 'eps'),
    paramSpec('r', 'averaging power r', 'r', 0, 0, Infinity, { minOpen: false, log: false, advanced: true }),
    {
      ...betaSpec('polyakBeta', 'β (Polyak average)', 0),
      help: 'the official code carries the bias-corrected average forward, so with β > 0 the correction compounds and the step collapses; matched here',
    },
    steps('cWarmup', 'c warm-up steps', 'steps with c = 1 (x follows z) before the averaging starts'),
    steps('sfBeta1AnnealSteps', 'β anneal steps', 'steps over which β rises to its maximum (0: no annealing)'),
    { ...betaSpec('sfBeta1Max', 'β max', 0.965), minOpen: true },
    // A whole number: the scalar arithmetic has no power, so lrMax^p is p products.
    paramSpec('weightLrPower', 'weight lr power', 'p', 2, 0, 16, { minOpen: false, log: false, integer: true, advanced: true }),
  ],
  // AdamC's decay, as the official code: z ← z − η²·λ·y.
  classSettings: [peerWeightDecay],
  diagnostics: [
    { key: 'polyakLr', label: 'Polyak factor (L + β⟨g, z − x⟩)₊ / C', symbol: 'polyak', log: true },
    { key: 'ckp1', label: 'Averaging weight c', symbol: 'c', log: true },
  ],
});
