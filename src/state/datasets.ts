import { droppableDatasets } from '../tasks/data/catalogue';
import { DatasetError, isGzip } from '../tasks/data/idx';
import { checkDroppedFiles } from '../tasks/data/load';
import { openLabDb } from './db';

/** A dataset a user can drop into the page (its spec says `droppable`; MNIST itself ships with the app). */
export type DroppedDataset = string;
/** Size limits checked before a file is read: the standard files are 47 MB (IDX images) and 30.7 MB (a CIFAR batch). */
const MAX_BYTES = 64 * 1024 * 1024;

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Which droppable dataset a set of file names is (by their specs' file lists), or a sentence saying what was expected. */
export function identify(names: string[]): DroppedDataset {
  const base = names.map((n) => n.replace(/\.gz$/, ''));
  const specs = droppableDatasets();
  const match = specs.find((d) => base.every((n) => d.files.includes(n)));
  if (match) return match.id;
  const odd = names.find((_, i) => !specs.some((d) => d.files.includes(base[i]!)));
  throw new DatasetError(
    odd ?? names[0] ?? '(no file)',
    `is not a file of ${specs.map((d) => `${d.title} (${d.files.join(', ')}${d.format === 'idx' ? ', gzipped or not' : ''})`).join(' or of ')}.`,
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
  const summary = checkDroppedFiles(
    droppableDatasets().find((d) => d.id === dataset)!,
    byName,
  );
  const db = await openLabDb();
  const tx = db.transaction('datasets', 'readwrite');
  for (const r of read) await tx.store.put(r.bytes, `${dataset}/${r.file}`);
  await tx.done;
  return { dataset, summary };
}
