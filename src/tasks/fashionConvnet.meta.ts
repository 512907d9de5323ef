import { paramSpec } from '../lib/settings';
import { defineTask } from './spec';

const size = (key: string, label: string, def: number, advanced = true) =>
  paramSpec(key, label, label, def, 1, 1e5, { minOpen: false, integer: true, log: false, advanced });

export const fashionConvnetInfo = defineTask({
  id: 'fashion-convnet',
  title: 'Fashion-MNIST, ConvNet (Table 1)',
  shortTitle: 'Fashion-MNIST ConvNet',
  settings: [
    size('batchSize', 'batch size', 100, false),
    size('filters1', 'filters1', 32),
    size('filters2', 'filters2', 64),
    size('dense', 'dense', 1024),
    paramSpec('dropout', 'dropout', 'dropout', 0, 0, 1, { minOpen: false, maxOpen: true, log: false, advanced: true }),
  ],
  dataset: 'fashionMnist',
  defaultSteps: 600,
  memoryMB: 220,
  hasTest: true,
});
