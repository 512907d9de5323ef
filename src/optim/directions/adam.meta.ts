import { choiceSpec } from '../../lib/settings';
import { betaSpec, clipSpec, defineOptimizer, epsSpec, lrSpec } from '../spec';

export const adamMeta = defineOptimizer({
  id: 'adam',
  title: 'Adam',
  summary:
    'Adam with a constant learning rate (the paper’s baseline: β1 0.9, β2 0.999, ε 1e-4; the paper ran TensorFlow’s ε form); NAdam with its Nesterov form.',
  settings: [
    lrSpec(1e-3),
    betaSpec('beta1', 'β1', 0.9),
    betaSpec('beta2', 'β2', 0.999),
    epsSpec(1e-4, 'epsilon'),
    choiceSpec('epsilonForm', 'epsilon form', ['corrected', 'tensorflow'], {
      labels: { tensorflow: 'TensorFlow ε' },
      help: 'corrected: √ŝ + ε (Kingma & Ba); tensorflow: ε added before the bias correction, as TensorFlow’s AdamOptimizer',
    }),
    choiceSpec('firstMoment', 'first moment', ['ema', 'nesterov'], {
      labels: { nesterov: 'Nesterov' },
      advanced: true,
      help: 'ema: m̂ (Adam); nesterov: β1·m̂ + (1 − β1)·g/(1 − β1ᵗ), NAdam as optax and AlgoPerf’s NAdamW write it',
    }),
    clipSpec,
  ],
  diagnostics: [],
});
