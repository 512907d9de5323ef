/** What code imports from directions/ by name. `makeOptimizer` does not read it: it finds the makers among the folder's modules (recipes.ts). */
export { sgdDirection, sgd, type SgdOptions } from './sgd';
export { heavyBallDirection, emaMomentumDirection, momentum, type MomentumOptions, type MomentumState } from './momentum';
export {
  adamDirection,
  adam,
  type AdamEpsilonForm,
  type AdamOptions,
  type AdamSettings,
  type AdamState,
  type AdamDirectionOptions,
} from './adam';
export {
  rmspropDirection,
  rmsprop,
  type RmsPropDirectionOptions,
  type RmsPropForm,
  type RmsPropOptions,
  type RmsPropState,
} from './rmsprop';
export { adagradDirection, adagrad, type AdagradOptions, type AdagradState } from './adagrad';
export { cautiousDirection, cautiousAdam } from './cautious';
export { cAdamMeta } from './cautious.meta';
export { sgdMeta } from './sgd.meta';
export { momentumMeta } from './momentum.meta';
export { adamMeta } from './adam.meta';
export { rmspropMeta } from './rmsprop.meta';
export { adagradMeta } from './adagrad.meta';
