import { DatasetError, parseImageSet, type ImageSet } from './idx';
import { MNIST_FILES } from './mnist.meta';
import type { DataSource } from '../types';

export { MNIST_FILES };

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

/**
 * A dropped MNIST-format copy (`title` names it), checked as a whole: all four files, each parsed. Returns the
 * sentence that says what was read; throws a DatasetError naming a file.
 */
export function checkMnistFiles(title: string, byName: ReadonlyMap<string, { file: string; bytes: Uint8Array }>): string {
  const names = Object.values(MNIST_FILES);
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length) throw new DatasetError(missing[0]!, `is missing: ${title} needs all four files (${names.join(', ')}).`);
  const shape = { rows: 28, cols: 28, classes: 10 };
  const train = parseImageSet(byName.get(MNIST_FILES.trainImages)!, byName.get(MNIST_FILES.trainLabels)!, shape);
  const test = parseImageSet(byName.get(MNIST_FILES.testImages)!, byName.get(MNIST_FILES.testLabels)!, shape);
  return `${title} from your files: ${train.n} training and ${test.n} test images.`;
}
