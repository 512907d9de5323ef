/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header — two zero bytes, a type
 * byte (0x08 = unsigned byte), the number of dimensions — then one uint32 size per dimension, then the data.
 * Images are magic 0x00000803 (n × rows × cols), labels 0x00000801 (n).
 */
export interface IdxArray {
  readonly dims: number[];
  readonly data: Uint8Array;
}

/** A dataset file that is wrong in a way the user can fix; the message names the file and the problem. */
export class DatasetError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DatasetError';
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the bytes start with the gzip magic number (a server may already have inflated a .gz file). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Parses an IDX file of unsigned bytes and checks it against what the caller expects: the number of
 * dimensions (1 for labels, 3 for images) and, optionally, exact sizes per dimension (null = any).
 */
export function parseIdx(bytes: Uint8Array, file: string, expect: { rank: 1 | 3; dims?: (number | null)[] }): IdxArray {
  if (isGzip(bytes)) throw new DatasetError(file, 'is still gzip-compressed; decompress it first (gunzip).');
  if (bytes.length < 8) throw new DatasetError(file, `is ${bytes.length} bytes long, too short for an IDX header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const want = 0x800 + expect.rank;
  if (magic !== want) {
    const kind = expect.rank === 3 ? 'images' : 'labels';
    const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
    throw new DatasetError(
      file,
      `wrong magic number ${hex(magic)}; IDX ${kind} start with ${hex(want)}` +
        (magic === 0x800 + (expect.rank === 3 ? 1 : 3)
          ? ` (this looks like an IDX ${expect.rank === 3 ? 'labels' : 'images'} file).`
          : '.'),
    );
  }
  const rank = magic & 0xff;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new DatasetError(file, `is truncated inside its header (${bytes.length} bytes).`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  expect.dims?.forEach((d, i) => {
    if (d !== null && dims[i] !== d) {
      throw new DatasetError(file, `has dimensions ${dims.join('×')}, expected ${expect.dims!.map((x) => x ?? 'n').join('×')}.`);
    }
  });
  const size = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerBytes;
  if (have < size) {
    throw new DatasetError(file, `is truncated: the header promises ${size} bytes of data (${dims.join('×')}), the file has ${have}.`);
  }
  if (have > size) throw new DatasetError(file, `has ${have - size} bytes after the ${dims.join('×')} data; it is not a valid IDX file.`);
  return { dims, data: bytes.subarray(headerBytes, headerBytes + size) };
}

/** Writes an IDX file of unsigned bytes (for fixtures and for the prepared shards). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x800 + dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}

/** A labelled image set: n images of rows × cols bytes, and n labels. */
export interface ImageSet {
  readonly n: number;
  readonly rows: number;
  readonly cols: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

/** Parses and cross-checks an images file and a labels file (same count, labels below `classes`). */
export function parseImageSet(
  images: { bytes: Uint8Array; file: string },
  labels: { bytes: Uint8Array; file: string },
  shape: { rows: number; cols: number; classes: number },
): ImageSet {
  const im = parseIdx(images.bytes, images.file, { rank: 3, dims: [null, shape.rows, shape.cols] });
  const lb = parseIdx(labels.bytes, labels.file, { rank: 1 });
  if (im.dims[0] !== lb.dims[0]) {
    throw new DatasetError(labels.file, `has ${lb.dims[0]} labels but ${images.file} has ${im.dims[0]} images.`);
  }
  const bad = lb.data.findIndex((l) => l >= shape.classes);
  if (bad >= 0) throw new DatasetError(labels.file, `label ${lb.data[bad]} at index ${bad} is not a class 0–${shape.classes - 1}.`);
  return { n: im.dims[0]!, rows: shape.rows, cols: shape.cols, images: im.data, labels: lb.data };
}
