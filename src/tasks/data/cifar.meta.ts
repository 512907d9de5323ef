import { defineDataset } from './spec.ts';

export const CIFAR_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const CIFAR_TEST_FILE = 'test_batch.bin';

export const cifar10Dataset = defineDataset({
  id: 'cifar10',
  title: 'CIFAR-10',
  format: 'cifar',
  files: [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE],
  what: 'the CIFAR-10 binary batches',
  droppable: true,
  dropHint: 'CIFAR-10’s binary batches (data_batch_1.bin … data_batch_5.bin, test_batch.bin)',
  serverFolder: null,
  nodeSource: null,
  sizes: { train: 50000, test: 10000 },
});
