import { defaultsOf, paramSpec, type DiagnosticSpec } from '../../lib/settings';
import { MUON_DIRECTION, VECTOR_SCALE } from '../peers/muon.meta';
import { betaSpec, defineOptimizer, epsSpec } from '../spec';

/** L4's settings (Sec. 2.4 and eq. 7), with the paper's defaults. α above 1 overshoots the linearised target (the teaching page shows it). */
export const L4_SETTINGS = [
  paramSpec('alpha', 'alpha', 'α', 0.15, 0, 100, { slider: [0.01, 1], live: true, help: 'fraction of the linearised step taken (eq. 3)' }),
  paramSpec('gamma', 'gamma', 'γ', 0.9, 0, 1, {
    log: false,
    slider: [0.5, 1],
    live: true,
    help: 'fraction of L_min believed achievable (eq. 6)',
  }),
  paramSpec('tau', 'tau', 'τ', 1000, 0, Infinity, { slider: [10, 1e5], live: true, help: 'timescale of forgetting L_min (eq. 5)' }),
  paramSpec('gamma0', 'gamma0', 'γ₀', 0.75, 0, 1, { log: false, help: 'L_min starts at γ₀ times the first loss' }),
  epsSpec(1e-12, 'epsilon'),
  paramSpec('gradTimescale', 'gradient timescale', 'τm', 10, 1, Infinity, { minOpen: false, advanced: true }),
] as const;

/** The paper's default L4 settings. */
export const L4_DEFAULTS = defaultsOf(L4_SETTINGS);

/** What L4 records per step (stepsizes/l4.ts). */
export const L4_DIAGNOSTICS: readonly DiagnosticSpec[] = [
  { key: 'lossMin', label: 'L_min', symbol: 'L_min', log: true, companionOf: 'loss' },
  { key: 'gDotV', label: 'gᵀv', symbol: 'gᵀv', log: true },
  { key: 'numerator', label: 'numerator L − γ·L_min', symbol: 'L − γ·L_min', log: true, companionOf: 'gDotV' },
];

export const l4adamMeta = defineOptimizer({
  id: 'l4adam',
  title: 'L4Adam',
  summary: 'L4 over the Adam direction (eqs. 3–7), the paper defaults.',
  settings: [...L4_SETTINGS, betaSpec('beta2', 'β2', 0.999), epsSpec(1e-4, 'adamEpsilon', 'Adam epsilon')],
  diagnostics: L4_DIAGNOSTICS,
});

export const cL4AdamMeta = defineOptimizer({
  id: 'c-l4adam',
  title: 'Cautious L4Adam',
  summary: 'L4 over the Cautious Adam direction: Adam’s direction kept where it agrees in sign with the gradient, rescaled per tensor.',
  settings: l4adamMeta.settings,
  diagnostics: L4_DIAGNOSTICS,
});

export const l4momMeta = defineOptimizer({
  id: 'l4mom',
  title: 'L4Mom',
  summary: 'L4 over the bias-corrected momentum EMA (eq. 7).',
  settings: L4_SETTINGS,
  diagnostics: L4_DIAGNOSTICS,
});

/**
 * L4 over Muon: η from L4's rule along Muon's update (per matrix the orthogonalised Nesterov momentum, the vectors'
 * Adam direction weighted as Muon weighs them). gᵀv, with g L4's gradient EMA and U Muon's momentum, is close to
 * ⟨U, polar(U)⟩ = ‖U‖_* ≥ 0 while the two averages agree; where they do not, a step with gᵀv ≤ 0 is skipped.
 */
export const l4muonMeta = defineOptimizer({
  id: 'l4muon',
  title: 'L4Muon',
  summary: 'L4 over Muon’s direction (orthogonalised momentum on matrices, Adam on vectors), the paper’s L4 defaults.',
  settings: [...L4_SETTINGS, ...MUON_DIRECTION, VECTOR_SCALE],
  diagnostics: L4_DIAGNOSTICS,
});
