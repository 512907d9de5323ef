import { CIFAR_RECORD, CIFAR_TEST_FILE, CIFAR_TRAIN_FILES, parseCifarBatches } from '../tasks/data/cifar';
import { DatasetError, isGzip, parseImageSet } from '../tasks/data/idx';
import { MNIST_FILES } from '../tasks/data/mnist';
import { openLabDb } from './db';

/** The datasets a user can drop into the page (MNIST itself ships with the app). */
import type { DroppedDataset } from '../worker/labDb';

export type { DroppedDataset };

const IDX_NAMES: string[] = Object.values(MNIST_FILES);
/** Size limits checked before a file is read: the standard files are 47 MB (IDX images) and 30.7 MB (a CIFAR batch). */
const MAX_BYTES = 64 * 1024 * 1024;

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Which dataset a set of file names is, or a sentence saying what was expected. */
export function identify(names: string[]): DroppedDataset {
  const base = names.map((n) => n.replace(/\.gz$/, ''));
  if (base.every((n) => IDX_NAMES.includes(n))) return 'fashionMnist';
  if (base.every((n) => /^(data_batch_[1-5]|test_batch)\.bin$/.test(n))) return 'cifar10';
  const odd = names.find((n, i) => !IDX_NAMES.includes(base[i]!) && !/^(data_batch_[1-5]|test_batch)\.bin$/.test(base[i]!));
  throw new DatasetError(
    odd ?? names[0] ?? '(no file)',
    'is not a file of Fashion-MNIST (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, ' +
      't10k-labels-idx1-ubyte, gzipped or not) or of CIFAR-10’s binary version (data_batch_1.bin … data_batch_5.bin, test_batch.bin).',
  );
}

/**
 * Takes the files a user dropped: checks sizes before reading, decompresses gzip (sniffed, not trusted from
 * the name), validates every file (and the set as a whole), and only then saves them for the workers.
 * Files are parsed, never executed. Returns a one-line summary; throws a DatasetError naming the file.
 */
export async function importDatasetFiles(files: File[]): Promise<{ dataset: DroppedDataset; summary: string }> {
  if (files.length === 0) throw new DatasetError('(no file)', 'nothing was dropped.');
  const dataset = identify(files.map((f) => f.name));
  for (const f of files) {
    if (f.size > MAX_BYTES) throw new DatasetError(f.name, `is ${f.size} bytes, over the ${MAX_BYTES}-byte limit for one dataset file.`);
  }
  const read = await Promise.all(
    files.map(async (f) => {
      let bytes: Uint8Array = new Uint8Array(await f.arrayBuffer());
      if (isGzip(bytes)) {
        try {
          bytes = await gunzip(bytes);
        } catch (e) {
          throw new DatasetError(f.name, `looks gzip-compressed but does not decompress (${(e as Error).message}).`);
        }
      }
      return { file: f.name.replace(/\.gz$/, ''), bytes };
    }),
  );
  const byName = new Map(read.map((r) => [r.file, r]));
  let summary: string;
  if (dataset === 'fashionMnist') {
    const missing = IDX_NAMES.filter((n) => !byName.has(n));
    if (missing.length) throw new DatasetError(missing[0]!, `is missing: Fashion-MNIST needs all four files (${IDX_NAMES.join(', ')}).`);
    const shape = { rows: 28, cols: 28, classes: 10 };
    const train = parseImageSet(byName.get(MNIST_FILES.trainImages)!, byName.get(MNIST_FILES.trainLabels)!, shape);
    const test = parseImageSet(byName.get(MNIST_FILES.testImages)!, byName.get(MNIST_FILES.testLabels)!, shape);
    summary = `Fashion-MNIST from your files: ${train.n} training and ${test.n} test images.`;
  } else {
    const missing = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE].filter((n) => !byName.has(n));
    if (!byName.has(CIFAR_TEST_FILE) || missing.length === CIFAR_TRAIN_FILES.length + 1) {
      throw new DatasetError(missing[0]!, 'is missing: CIFAR-10 needs test_batch.bin and at least one data_batch_N.bin.');
    }
    const trainFiles = CIFAR_TRAIN_FILES.filter((n) => byName.has(n)).map((n) => byName.get(n)!);
    const train = parseCifarBatches(trainFiles);
    const test = parseCifarBatches([byName.get(CIFAR_TEST_FILE)!]);
    summary = `CIFAR-10 from your files: ${train.n} training images (${trainFiles.length} of 5 batches, ${CIFAR_RECORD} bytes each record) and ${test.n} test images.`;
  }
  const db = await openLabDb();
  const tx = db.transaction('datasets', 'readwrite');
  for (const r of read) await tx.store.put(r.bytes, `${dataset}/${r.file}`);
  await tx.done;
  return { dataset, summary };
}
