import { describe, expect, it } from 'vitest';
import { memoryProblem } from './lab';

describe('limits', () => {
  it('the memory budget is half the device memory; past it, a sentence says what to do', () => {
    expect(memoryProblem('functions-2d', 8, 4)).toBeNull();
    expect(memoryProblem('mnist-mlp', 8, 4)).toBeNull(); // 1280 MB of 2048
    const msg = memoryProblem('cifar10-resnet', 8, 2)!;
    expect(msg).toMatch(/8 runs at once, about 3600 MB, but this device has about 1024 MB to spare/);
    expect(msg).toMatch(/about 2 at once fit/);
  });
});
