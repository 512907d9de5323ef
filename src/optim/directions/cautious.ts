import { cautious } from '../kernels/elementwise';
import { finish, type Transform } from '../compose';
import { checkAgainst, withDefaults } from '../spec';
import { constantRule } from '../stepsizes/constant';
import { withStepsize } from '../stepsizes/rule';
import type { Direction } from '../types';
import { adamDirection, type AdamOptions } from './adam';
import { CAUTIOUS_EPSILON, cAdamMeta } from './cautious.meta';

/**
 * Cautious (Liang et al. 2024, "Cautious Optimizers"; as optax's `contrib.cautious`): the direction v of any
 * momentum-type rule, kept only where it agrees in sign with the current gradient (where a step −η·v goes downhill
 * coordinate by coordinate, v ⊙ g > 0) and rescaled per tensor by its size over the kept count, so that the mean
 * magnitude stays: v' = v ⊙ 1[v ⊙ g > 0] · n / (Σ 1[·] + ε). ε = 1e-8 as optax (the paper's code uses 1). A direction
 * wrapper, so C-Adam is `withStepsize(…, cautiousDirection(adamDirection()), constantRule(…))` and C-L4Adam is
 * `l4(cautiousDirection(adamDirection()))`: L4's gᵀv is then taken over the masked direction. The gradient estimate
 * the rule may reuse (`gradEma`) is the inner direction's, unmasked. The catalogue has C-Adam (`c-adam`) and C-L4Adam
 * (`c-l4adam`); Lion is a peer of its own here, not a direction, so C-Lion (`c-lion`) masks its sign step in
 * peers/lion.ts the same way.
 */
export function cautiousDirection<S>(inner: Direction<S>, { epsilon = CAUTIOUS_EPSILON.default }: { epsilon?: number } = {}): Direction<S> {
  checkAgainst('The cautious mask', [CAUTIOUS_EPSILON], { epsilon });
  return {
    ...inner,
    name: `c-${inner.name}`,
    update(grads, state, t) {
      const out = inner.update(grads, state, t, { cautious: epsilon });
      if (out.masked) return out;
      // vScale > 0 for every direction of the library (bias corrections), so v's signs are the direction's.
      const v = cautious(out.v, grads, epsilon);
      return { ...out, v };
    },
  };
}

/** Cautious Adam (C-Adam): Adam's settings and defaults, its direction masked by `cautiousDirection`. */
export function cautiousAdam(o: AdamOptions = {}): Transform {
  const { learningRate, clipNorm, ...dir } = withDefaults(cAdamMeta.title, cAdamMeta.settings, o, ['weightDecay']);
  return finish(withStepsize('c-adam', cautiousDirection(adamDirection(dir)), constantRule({ learningRate })), { ...o, clipNorm });
}
cautiousAdam.meta = cAdamMeta;
