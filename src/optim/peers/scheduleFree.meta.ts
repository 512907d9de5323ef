import { paramSpec } from '../../lib/settings';
import { betaSpec, defineOptimizer, epsSpec, lrSpec } from '../spec';
import { peerWeightDecay, warmupSpec } from './common.meta';

const averaging = [
  paramSpec('r', 'averaging power r', 'r', 0, 0, Infinity, { minOpen: false, log: false, advanced: true }),
  paramSpec('weightLrPower', 'weight lr power', 'p', 2, 0, Infinity, { minOpen: false, log: false, advanced: true }),
] as const;

const ckp1 = [{ key: 'ckp1', label: 'Averaging weight c', symbol: 'c', log: true }];

/** Schedule-Free AdamW, with schedule_free 1.3+'s names and defaults. */
export const sfAdamWMeta = defineOptimizer({
  id: 'sf-adamw',
  title: 'Schedule-Free AdamW',
  summary: 'Schedule-Free AdamW (Defazio et al. 2024): trains at y, evaluated at the average x; no schedule.',
  settings: [
    lrSpec(0.0025, [1e-4, 0.1]),
    // β > 0: x is recovered from y and z by dividing by β.
    { ...betaSpec('beta1', 'β1', 0.9), minOpen: true },
    betaSpec('beta2', 'β2', 0.999),
    epsSpec(1e-8, 'eps'),
    warmupSpec(0),
    ...averaging,
  ],
  classSettings: [peerWeightDecay],
  diagnostics: ckp1,
});

/** Schedule-Free SGD. */
export const sfSgdMeta = defineOptimizer({
  id: 'sf-sgd',
  title: 'Schedule-Free SGD',
  summary: 'Schedule-Free SGD (Defazio et al. 2024): trains at y, evaluated at the average x; no schedule.',
  settings: [
    lrSpec(1, [1e-3, 10]),
    paramSpec('momentum', 'momentum', 'β', 0.9, 0, 1, { maxOpen: true, log: false }),
    warmupSpec(0),
    ...averaging,
  ],
  classSettings: [peerWeightDecay],
  diagnostics: ckp1,
});
