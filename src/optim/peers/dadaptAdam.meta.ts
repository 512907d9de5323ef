import { betaSpec, defineOptimizer, epsSpec, lrSpec } from '../spec';
import { D_ADAPT_DIAGNOSTICS, d0Spec, growthSpec, peerWeightDecay } from './common.meta';

/** D-Adaptation in Adam form, with dadaptation 3.x's names and defaults. */
export const dadaptAdamMeta = defineOptimizer({
  id: 'dadapt-adam',
  title: 'D-Adapt Adam',
  summary: 'D-Adaptation in Adam form (Defazio & Mishchenko 2023): η = d·lr, d a lower bound on the distance to a solution.',
  settings: [
    lrSpec(1, [0.01, 10]),
    betaSpec('beta1', 'β1', 0.9),
    betaSpec('beta2', 'β2', 0.999),
    epsSpec(1e-8, 'eps'),
    d0Spec(1e-6),
    growthSpec,
  ],
  classSettings: [peerWeightDecay],
  switches: { decouple: false, useBiasCorrection: false },
  diagnostics: D_ADAPT_DIAGNOSTICS,
});
