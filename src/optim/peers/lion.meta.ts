import { betaSpec, defineOptimizer, lrSpec } from '../spec';
import { peerWeightDecay } from './common.meta';

/** Lion, with google/automl's names and defaults (lion_pytorch.py). */
export const lionMeta = defineOptimizer({
  id: 'lion',
  title: 'Lion',
  summary: 'Lion (Chen et al. 2023): Δθ = −lr·sign(β1·m + (1 − β1)·g), m an EMA of g with β2; every step the same length per coordinate.',
  settings: [lrSpec(1e-4, [1e-6, 0.01]), betaSpec('beta1', 'β1', 0.9), betaSpec('beta2', 'β2', 0.99)],
  // Decoupled, as the official code: θ ← θ·(1 − lr·λ) before the sign step.
  classSettings: [peerWeightDecay],
  diagnostics: [],
});

/** Cautious Lion: Lion's settings and defaults, its sign step masked where it disagrees with the gradient. */
export const cLionMeta = defineOptimizer({
  ...lionMeta,
  id: 'c-lion',
  title: 'Cautious Lion',
  summary: 'Lion whose sign step is kept only where it agrees in sign with the gradient, rescaled per tensor (Liang et al. 2024).',
});
