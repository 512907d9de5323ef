import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv';

describe('csv', () => {
  it('writes numbers exactly, NaN as empty and quotes strings that need it', () => {
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvField(NaN)).toBe('');
    expect(csvField(Infinity)).toBe('Infinity');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(
      toCsv(
        ['step', 'loss'],
        [
          [0, 1.5],
          [1, NaN],
        ],
      ),
    ).toBe('step,loss\n0,1.5\n1,\n');
  });
});
