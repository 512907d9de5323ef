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
