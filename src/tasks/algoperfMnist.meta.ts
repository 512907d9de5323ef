import { paramSpec } from '../lib/settings';
import { defineTask } from './spec';

/**
 * AlgoPerf's MNIST development workload (mlcommons/algorithmic-efficiency, workloads/mnist): 784-128-10 with a
 * sigmoid hidden layer, inputs standardised by the training set's mean and deviation, the first 50,000 training
 * images to train on, a fixed target accuracy of 0.97 (AlgoPerf's validation and test targets are both 0.97; the
 * lab's held-out data is the 10,000 test images, so the target is read there). Its step hint, 7,813 steps, is ten
 * epochs at batch 64.
 */
export const algoperfMnistInfo = defineTask({
  id: 'algoperf-mnist',
  title: "MNIST, AlgoPerf's development workload: 784-128-10 sigmoid MLP, target test accuracy 0.97",
  shortTitle: 'MNIST, AlgoPerf workload (target 0.97)',
  settings: [
    paramSpec('batchSize', 'batch size', 'batch size', 64, 1, 50000, { minOpen: false, integer: true, log: false }),
    paramSpec('evalsPerEpoch', 'evaluations per epoch', 'evaluations per epoch', 4, 1, 100, {
      minOpen: false,
      integer: true,
      log: false,
      help: 'evaluations on the test set per epoch (the target is read at each)',
    }),
  ],
  dataset: 'mnist',
  defaultSteps: 7813,
  memoryMB: 140,
  hasTest: true,
  target: { column: 'testAccuracy', above: 0.97, label: 'test accuracy above 0.97 (AlgoPerf’s MNIST target)' },
});
