import { clipSpec, defineOptimizer, lrSpec } from '../spec';

export const sgdMeta = defineOptimizer({
  id: 'sgd',
  title: 'SGD',
  summary: 'Δθ = −lr·g.',
  settings: [lrSpec(0.01), clipSpec],
  diagnostics: [],
});
