import { paramSpec } from '../lib/settings';
import { defineTask } from './spec';

/**
 * The MNIST MLP of fabian-sp/step-back (MoMo's experiments: configs/mnist_mlp.json): 784-100-100-10 with ReLU,
 * PyTorch's default initialisation, inputs standardised as the PyTorch examples do, batch 128, all 60,000 training
 * images; its published sweeps report the accuracy on the 10,000 test images after epoch 10 (`reproduce momo-sweep`).
 */
export const stepbackMnistInfo = defineTask({
  id: 'stepback-mnist',
  title: 'MNIST, step-back’s 784-100-100-10 ReLU MLP (MoMo’s sweeps), PyTorch init, standardised inputs',
  shortTitle: 'MNIST, MoMo’s MLP (step-back)',
  settings: [paramSpec('batchSize', 'batch size', 'batch size', 128, 1, 60000, { minOpen: false, integer: true, log: false })],
  dataset: 'mnist',
  defaultSteps: 4680,
  memoryMB: 140,
  hasTest: true,
});
