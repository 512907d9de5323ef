import { paramSpec } from '../../lib/settings';
import { clipSpec, defineOptimizer, lrSpec } from '../spec';

export const momentumMeta = defineOptimizer({
  id: 'momentum',
  title: 'Momentum SGD',
  summary: 'Heavy-ball momentum: acc ← μ·acc + g, Δθ = −lr·acc.',
  settings: [lrSpec(0.01), paramSpec('momentum', 'momentum', 'μ', 0.9, 0, 1, { minOpen: false, maxOpen: true, log: false }), clipSpec],
  diagnostics: [],
});

/** The timescale τm of the paper's EMA momentum (eq. 7), L4's gradient estimate. */
export const EMA_TIMESCALE = [
  paramSpec('timescale', 'gradient timescale', 'τm', 10, 1, Infinity, { minOpen: false, advanced: true }),
] as const;
