export { sgdDirection } from './sgd';
export { heavyBallDirection, emaMomentumDirection, type MomentumState } from './momentum';
export { adamDirection, type AdamState, type AdamDirectionOptions } from './adam';
export { rmspropDirection, type RmsPropState } from './rmsprop';
export { adagradDirection, type AdagradState } from './adagrad';
