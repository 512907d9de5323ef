import { describe, expect, it } from 'vitest';
import { CIFAR_RECORD, parseCifarBatches } from './cifar';

function batch(labels: number[]): Uint8Array {
  const b = new Uint8Array(labels.length * CIFAR_RECORD);
  labels.forEach((l, i) => {
    b[i * CIFAR_RECORD] = l;
    b.fill(i + 1, i * CIFAR_RECORD + 1, (i + 1) * CIFAR_RECORD);
  });
  return b;
}

describe('CIFAR-10 binary batches', () => {
  it('parses labels and channel-first pixels across files', () => {
    const set = parseCifarBatches([
      { bytes: batch([3, 9]), file: 'a.bin' },
      { bytes: batch([0]), file: 'b.bin' },
    ]);
    expect(set.n).toBe(3);
    expect(Array.from(set.labels)).toEqual([3, 9, 0]);
    expect(set.images[3072 * 2 + 100]).toBe(1);
    expect(set.images[3072 + 5]).toBe(2);
  });

  it('refuses a truncated file, a bad label and an empty file, naming the file', () => {
    expect(() => parseCifarBatches([{ bytes: batch([1, 2]).subarray(0, 5000), file: 'data_batch_1.bin' }])).toThrow(
      /data_batch_1.bin: is 5000 bytes, not a whole number of 3073-byte CIFAR-10 records/,
    );
    expect(() => parseCifarBatches([{ bytes: batch([1, 12]), file: 'test_batch.bin' }])).toThrow(
      'test_batch.bin: record 1 has label 12; CIFAR-10 labels are 0–9.',
    );
    expect(() => parseCifarBatches([{ bytes: new Uint8Array(0), file: 'x.bin' }])).toThrow('x.bin: is empty.');
  });
});
