import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { finite } from '../tensors';
import { refuseUnknown } from '../../lib/settings';
import { checkAgainst, lrSpec } from '../spec';
import type { StepsizeRule } from './rule';

/** A constant rule's one setting. */
export type ConstantHyper = { readonly learningRate: number };

/** Its domain, as every optimizer's rate has it (the default is each optimizer's own). */
const RATE = [lrSpec(NaN)];

/**
 * A constant learning rate: η = lr. When a loss is given and is not finite, η = 0 and the
 * `nonFiniteLoss` flag is set, so that the run can end as diverged at that step.
 */
export function constantRule(options: { learningRate: number }): StepsizeRule<null, ConstantHyper> {
  refuseUnknown('The constant learning rate', options, ['learningRate']);
  const { learningRate } = options;
  return {
    name: 'constant',
    diagnostics: [],
    needsLoss: false,
    hyper: { learningRate },
    validateHyper: (h) => checkAgainst('constant learning rate', RATE, h),
    init: () => null,
    stepsize: ({ loss, hyper }) => {
      const lr = hyper.learningRate;
      if (loss === undefined) return { effectiveLr: tf.scalar(lr), flags: tf.scalar(0), state: null, diagnostics: {} };
      const ok = finite(loss);
      return { effectiveLr: tf.mul(ok, lr) as Scalar, flags: tf.sub(1, ok) as Scalar, state: null, diagnostics: {} };
    },
  };
}
