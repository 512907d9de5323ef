import { CIFAR_TEST_FILE, CIFAR_TRAIN_FILES } from './cifar.meta';
import { DatasetError } from './idx';
import type { DataSource } from '../types';

/** A set of 32×32 RGB images stored channel-first per image (1024 R, 1024 G, 1024 B), as CIFAR-10 ships them. */
export interface RgbSet {
  readonly n: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

export const CIFAR_RECORD = 1 + 3072;
export { CIFAR_TEST_FILE, CIFAR_TRAIN_FILES };

/**
 * Parses CIFAR-10 binary batches (the "binary version"): records of one label byte (0–9) and 3072 pixel
 * bytes. Checks the size is a whole number of records and every label is a class; errors name the file.
 */
export function parseCifarBatches(files: { bytes: Uint8Array; file: string }[]): RgbSet {
  let n = 0;
  for (const { bytes, file } of files) {
    if (bytes.length === 0) throw new DatasetError(file, 'is empty.');
    if (bytes.length % CIFAR_RECORD !== 0) {
      throw new DatasetError(
        file,
        `is ${bytes.length} bytes, not a whole number of ${CIFAR_RECORD}-byte CIFAR-10 records ` +
          `(a full batch is 30730000 bytes; the file may be truncated or be the Python version).`,
      );
    }
    n += bytes.length / CIFAR_RECORD;
  }
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  let i = 0;
  for (const { bytes, file } of files) {
    for (let off = 0; off < bytes.length; off += CIFAR_RECORD, i++) {
      const label = bytes[off]!;
      if (label > 9) throw new DatasetError(file, `record ${off / CIFAR_RECORD} has label ${label}; CIFAR-10 labels are 0–9.`);
      labels[i] = label;
      images.set(bytes.subarray(off + 1, off + CIFAR_RECORD), i * 3072);
    }
  }
  return { n, images, labels };
}

/** Loads the training batches (all five unless `trainFiles` names fewer) and the test batch. */
export async function loadCifar10(
  source: DataSource,
  trainFiles: readonly string[] = CIFAR_TRAIN_FILES,
): Promise<{ train: RgbSet; test: RgbSet }> {
  const read = (file: string) => source(file).then((bytes) => ({ bytes, file }));
  const train = parseCifarBatches(await Promise.all(trainFiles.map(read)));
  const test = parseCifarBatches([await read(CIFAR_TEST_FILE)]);
  return { train, test };
}

/**
 * A dropped copy, checked as a whole: test_batch.bin and at least one training batch, every file parsed. Returns
 * the sentence that says what was read; throws a DatasetError naming a file.
 */
export function checkCifarFiles(byName: ReadonlyMap<string, { file: string; bytes: Uint8Array }>): string {
  const missing = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE].filter((n) => !byName.has(n));
  if (!byName.has(CIFAR_TEST_FILE) || missing.length === CIFAR_TRAIN_FILES.length + 1) {
    throw new DatasetError(missing[0]!, 'is missing: CIFAR-10 needs test_batch.bin and at least one data_batch_N.bin.');
  }
  const trainFiles = CIFAR_TRAIN_FILES.filter((n) => byName.has(n)).map((n) => byName.get(n)!);
  const train = parseCifarBatches(trainFiles);
  const test = parseCifarBatches([byName.get(CIFAR_TEST_FILE)!]);
  return `CIFAR-10 from your files: ${train.n} training images (${trainFiles.length} of 5 batches, ${CIFAR_RECORD} bytes each record) and ${test.n} test images.`;
}
