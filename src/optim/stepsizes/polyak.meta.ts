import { paramSpec, type DiagnosticSpec } from '../../lib/settings';
import { defineOptimizer, epsSpec } from '../spec';

/** What the Polyak family records per step (stepsizes/polyak.ts). */
export const POLYAK_DIAGNOSTICS: readonly DiagnosticSpec[] = [
  { key: 'uncappedLr', label: 'uncapped η', symbol: 'uncapped η', log: true, companionOf: 'effectiveLr' },
  { key: 'capped', label: 'Cap bound (1) or not (0)', symbol: 'capped', log: false },
  { key: 'gDotV', label: 'gᵀv', symbol: 'gᵀv', log: true },
  { key: 'numerator', label: 'numerator L − f*', symbol: 'L − f*', log: true, companionOf: 'gDotV' },
];

export const polyakMeta = defineOptimizer({
  id: 'polyak',
  title: 'Polyak',
  summary: 'Classic Polyak stepsize over SGD with a known f*: η = α·(L − f*)/(‖g‖² + ε).',
  settings: [
    paramSpec('fStar', 'f star', 'f*', 0, -Infinity, Infinity, { log: false, minOpen: true, maxOpen: true, live: true }),
    paramSpec('alpha', 'alpha', 'α', 1, 0, 100, { live: true }),
    paramSpec('maxLr', 'max learning rate', 'max_lr', Infinity, 0, Infinity, { advanced: true }),
    epsSpec(1e-12, 'epsilon'),
  ],
  diagnostics: POLYAK_DIAGNOSTICS,
});

export const spsMaxMeta = defineOptimizer({
  id: 'sps-max',
  title: 'SPS_max',
  summary: 'SPS_max over SGD (Loizou et al. 2021): η = min((L − f*)/(c·‖g‖²), γ_b).',
  settings: [
    paramSpec('gammaB', 'gamma b', 'γ_b', 1, 0, Infinity, { live: true }),
    paramSpec('c', 'c', 'c', 0.5, 0, Infinity, { maxOpen: true, live: true }),
    paramSpec('fStar', 'f star', 'f*', 0, -Infinity, Infinity, { log: false, maxOpen: true, advanced: true }),
  ],
  diagnostics: POLYAK_DIAGNOSTICS,
});

export const aliGMeta = defineOptimizer({
  id: 'ali-g',
  title: 'ALI-G',
  summary: 'ALI-G over SGD (Berrada et al. 2020): η = min(L/(‖g‖² + δ), max_lr).',
  settings: [paramSpec('maxLr', 'max learning rate', 'max_lr', 0.1, 0, Infinity, { live: true }), epsSpec(1e-5, 'delta', 'delta', 'δ')],
  diagnostics: POLYAK_DIAGNOSTICS,
});
