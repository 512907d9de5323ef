import { describe, expect, it } from 'vitest';
import { allocChunk, beforeStep, compact, concatChunks } from './trace';

const ramp = (n: number, from = 0) => {
  const c = allocChunk(n, []);
  for (let i = 0; i < n; i++) {
    c.columns.step[i] = from + i;
    c.columns.loss[i] = 1000 - (from + i);
  }
  c.theta = Float64Array.from({ length: 2 * n }, (_, i) => i);
  c.thetaDim = 2;
  return c;
};

describe('trace storage', () => {
  it('compact keeps the recent rows whole and thins the older ones to at most the same number', () => {
    const c = ramp(1000);
    c.evals.push({ step: 10, epoch: 1, testLoss: 0.5 });
    const k = compact(c, 100);
    expect(k.length).toBeLessThanOrEqual(200);
    expect(Array.from(k.columns.step.subarray(k.length - 100))).toEqual(Array.from({ length: 100 }, (_, i) => 900 + i));
    expect(k.columns.step[0]).toBe(0);
    const steps = Array.from(k.columns.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b)); // still in order
    expect(k.columns.loss[5]).toBe(1000 - k.columns.step[5]!); // rows stay rows
    expect(Array.from(k.theta!.subarray(2, 4))).toEqual([2 * k.columns.step[1]!, 2 * k.columns.step[1]! + 1]);
    expect(k.evals).toHaveLength(1);
    expect(compact(ramp(150), 100)).toEqual(ramp(150)); // short traces are untouched
  });

  it('beforeStep cuts by the step column, also on a compacted trace', () => {
    const k = compact(concatChunks([ramp(500), ramp(500, 500)]), 100);
    const cut = beforeStep(k, 950);
    expect(cut.columns.step[cut.length - 1]).toBe(949);
    expect(Array.from(cut.columns.step).every((s) => s < 950)).toBe(true);
  });
});
