import { paramSpec } from '../../lib/settings';
import { betaSpec, defineOptimizer, epsSpec, lrSpec } from '../spec';
import { peerWeightDecay } from './common.meta';

/** Muon with its auxiliary AdamW, with KellerJordan/Muon's names and defaults (SingleDeviceMuonWithAuxAdam). */
export const muonMeta = defineOptimizer({
  id: 'muon',
  title: 'Muon',
  summary:
    'Muon (Jordan et al. 2024): Nesterov momentum on every matrix, orthogonalised by five Newton–Schulz steps; AdamW (adamLr) on the vectors.',
  settings: [
    lrSpec(0.02, [1e-4, 1]),
    betaSpec('momentum', 'μ', 0.95),
    paramSpec('nsSteps', 'Newton–Schulz steps', 'ns', 5, 1, 100, { minOpen: false, integer: true, log: false, advanced: true }),
    paramSpec('adamLr', 'AdamW learning rate', 'lr_adam', 3e-4, 0, Infinity, { advanced: true, help: 'the vectors’ (biases’) AdamW rate' }),
    betaSpec('adamBeta1', 'β1 (AdamW)', 0.9),
    betaSpec('adamBeta2', 'β2 (AdamW)', 0.95),
    epsSpec(1e-10, 'adamEps', 'AdamW epsilon'),
  ],
  // Decoupled, as the official code: W ← W·(1 − lr·λ), p ← p·(1 − adamLr·λ_adam).
  classSettings: [
    peerWeightDecay,
    paramSpec('adamWeightDecay', 'AdamW weight decay', 'λ_adam', 0, 0, Infinity, { minOpen: false, advanced: true }),
  ],
  switches: { nesterov: true },
  diagnostics: [],
});

/** The Muon direction's own settings (L4 over Muon), from Muon's: the momentum, Newton–Schulz, the vectors' Adam. */
export const MUON_DIRECTION = muonMeta.settings.filter((s) => ['momentum', 'nsSteps', 'adamBeta1', 'adamBeta2', 'adamEps'].includes(s.key));

/**
 * How much the vectors' Adam direction weighs against the matrices' orthogonalised one: Muon steps them at adamLr
 * and lr, so Muon's own update divided by lr has them at adamLr/lr (3e-4/0.02 at the defaults).
 */
export const VECTOR_SCALE = paramSpec('vectorScale', 'vector scale', 'lr_adam/lr', 3e-4 / 0.02, 0, Infinity, {
  minOpen: false,
  advanced: true,
  help: 'the vectors’ Adam direction times this, as Muon weighs them (adamLr/lr)',
});
