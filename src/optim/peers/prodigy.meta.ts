import { paramSpec } from '../../lib/settings';
import { betaSpec, defineOptimizer, epsSpec, lrSpec } from '../spec';
import { D_ADAPT_DIAGNOSTICS, d0Spec, growthSpec, peerWeightDecay } from './common.meta';

/** Prodigy, with prodigyopt 1.1's names and defaults. */
export const prodigyMeta = defineOptimizer({
  id: 'prodigy',
  title: 'Prodigy',
  summary: 'Prodigy (Mishchenko & Defazio 2023): Adam at η = d·lr, d estimated from the distance travelled.',
  settings: [
    lrSpec(1, [0.01, 10]),
    betaSpec('beta1', 'β1', 0.9),
    betaSpec('beta2', 'β2', 0.999),
    paramSpec('beta3', 'beta3', 'β3', Math.sqrt(0.999), 0, 1, {
      log: false,
      minOpen: false,
      optional: true,
      advanced: true,
      help: '√β2 when unset',
    }),
    epsSpec(1e-8, 'eps'),
    d0Spec(1e-6),
    paramSpec('dCoef', 'd coefficient', 'd_coef', 1, 0, Infinity, { advanced: true }),
    growthSpec,
  ],
  classSettings: [peerWeightDecay],
  /** decouple: AdamW-style decay (else L2 in the gradient); the other two as prodigyopt's. */
  switches: { decouple: true, useBiasCorrection: false, safeguardWarmup: false },
  diagnostics: D_ADAPT_DIAGNOSTICS,
});
