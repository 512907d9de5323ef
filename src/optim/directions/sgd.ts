import type { SettingsOf } from '../../lib/settings';
import { finish, type RecipeOptions, type Transform } from '../compose';
import { withDefaults } from '../spec';
import { constantRule } from '../stepsizes/constant';
import { withStepsize } from '../stepsizes/rule';
import type { Direction } from '../types';
import { sgdMeta } from './sgd.meta';

/** Plain gradient direction: v = ∇L. */
export function sgdDirection(): Direction<null> {
  return {
    name: 'sgd',
    hyper: {},
    init: () => null,
    update: (grads) => ({ v: grads, vScale: 1, state: null }),
  };
}

export type SgdOptions = Partial<SettingsOf<typeof sgdMeta.settings>> & RecipeOptions;

/** SGD: Δθ = −lr·g. */
export function sgd(o: SgdOptions = {}): Transform {
  const { learningRate, clipNorm } = withDefaults(sgdMeta.title, sgdMeta.settings, o, ['weightDecay']);
  return finish(withStepsize('sgd', sgdDirection(), constantRule({ learningRate })), { ...o, clipNorm });
}
sgd.meta = sgdMeta;
