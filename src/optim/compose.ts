import { withClipping } from './clipping';
import { skipNonFinite, withoutSkip } from './skip';
import type { GradientTransformation, OptState, WeightDecayConfig } from './types';
import { withWeightDecay } from './weightDecay';

/** Options every optimizer accepts besides its settings. */
export interface RecipeOptions {
  weightDecay?: WeightDecayConfig;
}

/** Any optimizer of the lab, its state erased to what every one has. */
export type Transform = GradientTransformation<OptState>;

/**
 * The options every optimizer takes: gradient clipping first, then weight decay around it (an L2 term is part of
 * the gradient that is clipped, as with TensorFlow's loss-side decay), and outermost the step that skips a
 * non-finite gradient or loss (`skipNonFinite`). Finishing a finished transform adds its options inside that check.
 */
export function finish<S extends OptState>(t: GradientTransformation<S>, o: RecipeOptions & { clipNorm?: number }): Transform {
  const inner = withoutSkip(t);
  const clipped = o.clipNorm === undefined ? inner : withClipping(inner, o.clipNorm);
  const out = o.weightDecay ? withWeightDecay(clipped, o.weightDecay) : clipped;
  return skipNonFinite(out) as unknown as Transform;
}
