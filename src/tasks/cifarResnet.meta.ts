import { paramSpec } from '../lib/settings';
import { defineTask } from './spec';

export const cifarResnetInfo = defineTask({
  id: 'cifar10-resnet',
  title: 'CIFAR-10, ResNet-20/32 with batch norm (Sec. 3.3, Figs. 4–5)',
  shortTitle: 'CIFAR-10 ResNet (your files)',
  settings: [
    paramSpec('depth', 'depth', 'depth', 20, 8, 200, { minOpen: false, integer: true, log: false, help: '6n + 2: 20, 32, 44 …' }),
    paramSpec('batchSize', 'batch size', 'batch size', 128, 1, 50000, { minOpen: false, integer: true, log: false }),
    paramSpec('weightDecay', 'weight decay', 'λ', 2e-4, 0, Infinity, { minOpen: false, advanced: true }),
    paramSpec('width', 'width', 'width', 16, 1, 1024, { minOpen: false, integer: true, log: false, advanced: true }),
  ],
  dataset: 'cifar10',
  defaultSteps: 390,
  memoryMB: 450,
  hasTest: true,
});
