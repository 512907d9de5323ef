import { paramSpec } from '../lib/settings';
import { defineTask } from './spec';

export const mnistMlpInfo = defineTask({
  id: 'mnist-mlp',
  title: 'MNIST, 784-300-100-10 ReLU MLP (Sec. 3.2, Fig. 3, Table 2)',
  shortTitle: 'MNIST MLP (Fig. 3, Table 2)',
  settings: [paramSpec('batchSize', 'batch size', 'batch size', 64, 1, 60000, { minOpen: false, integer: true, log: false })],
  dataset: 'mnist',
  defaultSteps: 937,
  memoryMB: 160,
  paperAdamLr: 1e-3,
  hasTest: true,
});
