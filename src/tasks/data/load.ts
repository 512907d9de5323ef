/**
 * Reading any dataset of the catalogue by its spec's format: the Node and browser loaders and the page's drop zone
 * go through here, so a dataset in a known format is its spec and nothing else. Free of tfjs.
 */
import { checkCifarFiles, loadCifar10, type RgbSet } from './cifar';
import { checkMnistFiles, loadMnistLike, type MnistLike } from './mnist';
import type { DatasetSpec } from './spec';
import type { DataSource } from '../types';

/** What each format reads into. */
export interface FormatData {
  idx: MnistLike;
  cifar: { train: RgbSet; test: RgbSet };
}

/** Loads and validates a copy from `source`; `present`: the files it holds (CIFAR-10 may have fewer batches). */
export function loadDataset(
  spec: DatasetSpec,
  source: DataSource,
  present: readonly string[] = spec.files,
): Promise<FormatData[DatasetSpec['format']]> {
  return spec.format === 'idx'
    ? loadMnistLike(source)
    : loadCifar10(
        source,
        present.filter((f) => f.startsWith('data_batch_')),
      );
}

/** Checks a dropped copy as a whole (every file parsed); the sentence that says what was read. */
export function checkDroppedFiles(spec: DatasetSpec, byName: ReadonlyMap<string, { file: string; bytes: Uint8Array }>): string {
  return spec.format === 'idx' ? checkMnistFiles(spec.title, byName) : checkCifarFiles(byName);
}
