import { paramSpec } from '../../lib/settings';
import { defineOptimizer } from '../spec';
import { adamMeta } from './adam.meta';

export const cAdamMeta = defineOptimizer({
  id: 'c-adam',
  title: 'Cautious Adam',
  summary:
    'Adam whose step is kept only where it agrees in sign with the gradient, rescaled per tensor (Liang et al. 2024, as optax’s contrib.cautious).',
  settings: adamMeta.settings,
  diagnostics: [],
});

/** The mask's ε in v' = v ⊙ 1[v ⊙ g > 0] · n / (Σ 1[·] + ε): 1e-8 as optax (the paper's code uses 1). */
export const CAUTIOUS_EPSILON = paramSpec('epsilon', 'mask ε', 'ε', 1e-8, 0, Infinity, { minOpen: false });
