import { describe, expect, it } from 'vitest';
import { groupByInputs } from './gpuGroups';

describe('groupByInputs', () => {
  const ids = Array.from({ length: 12 }, () => ({}));
  it('keeps each group within the limit, counting an input shared within a group once', () => {
    // Tensor i reads ids[2i] and ids[2i+1] (m and v), or v twice.
    const two = (i: number) => [ids[2 * (i % 6)]!, ids[2 * (i % 6) + 1]!];
    expect(groupByInputs(6, two, 7)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(groupByInputs(6, (i) => [ids[i]!, ids[i]!], 7)).toEqual([[0, 1, 2, 3, 4, 5]]);
    expect(groupByInputs(6, two, 4)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });
  it('gives a tensor whose inputs alone exceed the limit a group of its own', () => {
    expect(groupByInputs(2, () => [{}, {}, {}], 2)).toEqual([[0], [1]]);
    expect(groupByInputs(0, () => [], 7)).toEqual([]);
  });
});
