import { paramSpec } from '../../lib/settings';
import { betaSpec, defineOptimizer, epsSpec, lrSpec } from '../spec';
import { peerWeightDecay } from './common.meta';

const warmup = (key: 'alphaWarmup' | 'beta3Warmup' | 'warmupSteps', label: string, help: string) =>
  paramSpec(key, label, label, 1, 0, Infinity, { optional: true, advanced: true, integer: true, log: false, help });

/** AdEMAMix, with apple/ml-ademamix's names and defaults (pytorch/ademamix.py). */
export const ademamixMeta = defineOptimizer({
  id: 'ademamix',
  title: 'AdEMAMix',
  summary: 'AdEMAMix (Pagliardini et al. 2024): Adam whose numerator mixes in a slow EMA of the gradients, m̂1 + α·m2, m2 with β3 ≈ 0.9999.',
  settings: [
    lrSpec(1e-3, [1e-6, 0.1]),
    betaSpec('beta1', 'β1', 0.9),
    betaSpec('beta2', 'β2', 0.999),
    betaSpec('beta3', 'β3', 0.9999),
    paramSpec('alpha', 'alpha', 'α', 2, 0, Infinity, { minOpen: false, log: false, help: 'weight of the slow EMA in the numerator' }),
    warmup('alphaWarmup', 'alpha warm-up', 'steps over which α rises linearly from 0 (off when unset)'),
    warmup('beta3Warmup', 'beta3 warm-up', 'steps over which β3’s half-life rises from β1’s (off when unset)'),
    warmup(
      'warmupSteps',
      'lr warm-up',
      'steps over which the learning rate rises linearly to lr (off when unset): a schedule around the official optimizer, as AlgoPerf’s submission runs it',
    ),
    epsSpec(1e-8, 'eps'),
  ],
  // Decoupled, as the official code: λ·θ is added to the update, times lr.
  classSettings: [peerWeightDecay],
  diagnostics: [
    { key: 'alpha', label: 'Mixing coefficient α of the slow EMA', symbol: 'α_t', log: false },
    { key: 'beta3', label: 'Rate β3 of the slow EMA', symbol: 'β3_t', log: false },
  ],
});
