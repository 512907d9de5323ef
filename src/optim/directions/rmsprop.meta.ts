import { choiceSpec } from '../../lib/settings';
import { betaSpec, clipSpec, defineOptimizer, epsSpec, lrSpec } from '../spec';

export const rmspropMeta = defineOptimizer({
  id: 'rmsprop',
  title: 'RMSProp',
  summary: 's ← ρ·s + (1−ρ)·g², Δθ = −lr·g/(√s + ε); TensorFlow 1’s form (Fig. 6): s from 1, Δθ = −lr·g/√(s + ε).',
  settings: [
    lrSpec(1e-3),
    betaSpec('decay', 'ρ', 0.9),
    epsSpec(1e-7, 'epsilon'),
    choiceSpec('form', 'form', ['keras', 'tf1'], {
      labels: { tf1: 'TensorFlow 1' },
      help: 'keras: mean square from 0, ε outside the root; tf1: from 1, ε inside (use ε 1e-10 as the paper)',
    }),
    clipSpec,
  ],
  diagnostics: [],
});
