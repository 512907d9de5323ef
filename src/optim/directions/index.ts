export { sgdDirection } from './sgd';
export { heavyBallDirection, emaMomentumDirection, type MomentumState } from './momentum';
export { adamDirection, ADAM_EPSILON_FORMS, type AdamEpsilonForm, type AdamState, type AdamDirectionOptions } from './adam';
export { rmspropDirection, RMSPROP_FORMS, type RmsPropDirectionOptions, type RmsPropForm, type RmsPropState } from './rmsprop';
export { adagradDirection, type AdagradState } from './adagrad';
