import { paramSpec } from '../../lib/settings';
import { defineOptimizer, epsSpec, lrSpec } from '../spec';
import { peerWeightDecay } from './common.meta';

/** DoG, with formll/dog's names and defaults. */
export const dogMeta = defineOptimizer({
  id: 'dog',
  title: 'DoG',
  summary: 'DoG (Ivgi et al. 2023): SGD at η = r̄/√Σ‖g‖², r̄ the largest distance from the start; evaluated at its average.',
  settings: [
    lrSpec(1, [0.01, 10]),
    paramSpec('repsRel', 'initial distance (relative)', 'r_ε', 1e-6, 0, Infinity, { advanced: true, help: 'r̄ starts at r_ε·(1 + ‖x₀‖)' }),
    epsSpec(1e-8, 'eps'),
    paramSpec('initEta', 'first step size', 'η₀', 1e-6, 0, Infinity, {
      optional: true,
      advanced: true,
      help: 'the first step’s η, when set',
    }),
  ],
  classSettings: [peerWeightDecay],
  diagnostics: [
    { key: 'rbar', label: 'Distance from the start r̄', symbol: 'r̄', log: true },
    { key: 'G', label: 'Gradient sum G = Σ‖g‖²', symbol: 'G', log: true },
  ],
});

/** The weight γ of DoG's polynomial-decay average: w_t = (γ + 1)/(γ + t). */
export const DOG_AVERAGE_GAMMA = 8;
