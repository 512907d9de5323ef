import { paramSpec, type DiagnosticSpec } from '../../lib/settings';

/**
 * The peers' shared settings as the lab shows them (their rate is `lrSpec`'s `learningRate`, as every optimizer's;
 * the classes take the official `lr` and rename it); the others keep their official names.
 */
export const d0Spec = (def: number) =>
  paramSpec('d0', 'initial d', 'd₀', def, 0, Infinity, { advanced: true, help: 'the first distance estimate' });
export const growthSpec = paramSpec('growthRate', 'growth rate', 'growth', Infinity, 0, Infinity, {
  optional: true,
  advanced: true,
  help: 'the most d may grow per step (unbounded when unset)',
});
export const warmupSpec = (def: number) =>
  paramSpec('warmupSteps', 'warm-up steps', 'warm-up', def, 0, Infinity, { minOpen: false, log: false, integer: true, advanced: true });

/** The official classes' own weight decay (in the lab, weight decay is the option every optimizer takes). */
export const peerWeightDecay = paramSpec('weightDecay', 'weight decay', 'λ', 0, 0, Infinity, { minOpen: false, advanced: true });

/** What Prodigy and D-Adaptation record: the distance estimate d (η = d·lr) and the raw estimate of this step. */
export const D_ADAPT_DIAGNOSTICS: readonly DiagnosticSpec[] = [
  { key: 'd', label: 'Distance estimate d', symbol: 'd', log: true },
  { key: 'dHat', label: 'raw estimate d̂', symbol: 'd̂', log: true, companionOf: 'd' },
];
