import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { DatasetError, encodeIdx, parseIdx, parseImageSet } from './idx';

const images = encodeIdx(
  [3, 2, 2],
  Uint8Array.from({ length: 12 }, (_, i) => i * 20),
);
const labels = encodeIdx([3], Uint8Array.from([5, 0, 4]));

describe('IDX parser', () => {
  it('round-trips an images file and a labels file', () => {
    const set = parseImageSet({ bytes: images, file: 'im' }, { bytes: labels, file: 'lb' }, { rows: 2, cols: 2, classes: 10 });
    expect(set.n).toBe(3);
    expect(Array.from(set.labels)).toEqual([5, 0, 4]);
    expect(set.images[11]).toBe(220);
  });

  it('a wrong magic number names the file and says what it looks like', () => {
    expect(() => parseIdx(labels, 'train-images-idx3-ubyte', { rank: 3 })).toThrow(
      'train-images-idx3-ubyte: wrong magic number 0x00000801; IDX images start with 0x00000803 (this looks like an IDX labels file).',
    );
    const junk = new TextEncoder().encode('<!doctype html><html>');
    expect(() => parseIdx(junk, 'labels.idx', { rank: 1 })).toThrow(/labels.idx: wrong magic number 0x3c21646f/);
  });

  it('a truncated file says how many bytes were promised and found', () => {
    expect(() => parseIdx(images.subarray(0, images.length - 5), 'im', { rank: 3 })).toThrow(
      'im: is truncated: the header promises 12 bytes of data (3×2×2), the file has 7.',
    );
    expect(() => parseIdx(images.subarray(0, 6), 'im', { rank: 3 })).toThrow(/too short for an IDX header/);
    expect(() => parseIdx(images.subarray(0, 10), 'im', { rank: 3 })).toThrow(/truncated inside its header/);
  });

  it('wrong sizes, trailing bytes, mismatched counts and bad labels are refused', () => {
    expect(() => parseIdx(images, 'im', { rank: 3, dims: [null, 28, 28] })).toThrow('im: has dimensions 3×2×2, expected n×28×28.');
    const longer = new Uint8Array(images.length + 3);
    longer.set(images);
    expect(() => parseIdx(longer, 'im', { rank: 3 })).toThrow(/3 bytes after the 3×2×2 data/);
    const two = encodeIdx([2], Uint8Array.from([1, 2]));
    expect(() => parseImageSet({ bytes: images, file: 'im' }, { bytes: two, file: 'lb' }, { rows: 2, cols: 2, classes: 10 })).toThrow(
      'lb: has 2 labels but im has 3 images.',
    );
    const eleven = encodeIdx([3], Uint8Array.from([1, 11, 2]));
    expect(() => parseImageSet({ bytes: images, file: 'im' }, { bytes: eleven, file: 'lb' }, { rows: 2, cols: 2, classes: 10 })).toThrow(
      'lb: label 11 at index 1 is not a class 0–9.',
    );
  });

  it('a still-compressed file is named as such', () => {
    expect(() => parseIdx(gzipSync(labels), 'lb.gz', { rank: 1 })).toThrow(DatasetError);
    expect(() => parseIdx(gzipSync(labels), 'lb.gz', { rank: 1 })).toThrow(/still gzip-compressed/);
  });
});
