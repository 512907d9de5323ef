import { paramSpec } from '../../lib/settings';
import { defineOptimizer, epsSpec, lrSpec } from '../spec';

export const adagradMeta = defineOptimizer({
  id: 'adagrad',
  title: 'AdaGrad',
  summary: 's ← s + g², Δθ = −lr·g/(√s + ε).',
  settings: [
    lrSpec(0.01),
    paramSpec('initialAccumulator', 'initial accumulator', 's₀', 0.1, 0, Infinity, { minOpen: false, advanced: true }),
    epsSpec(1e-7, 'epsilon'),
  ],
  diagnostics: [],
});
