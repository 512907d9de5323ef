import { describe, expect, it } from 'vitest';
import { allocChunk } from '../engine/trace';
import { aggregateBuckets } from '../lib/buckets';
import { bucketsOf, clearTrace, FULL_ROWS, appendChunk, setTrace, traceOf } from './traces';

const chunk = (from: number, n: number) => {
  const c = allocChunk(n, []);
  for (let i = 0; i < n; i++) {
    c.columns.step[i] = from + i;
    c.columns.loss[i] = 1 / (1 + from + i);
    c.columns.wallTime[i] = from + i;
  }
  return c;
};

describe('the page trace store', () => {
  it('holds a million-step run in bounded memory: recent rows whole, older ones thinned, every row in the chart buckets', async () => {
    let peak = 0;
    for (let at = 0; at < 1_000_000; at += 2_500) {
      await appendChunk('soak', chunk(at, 2_500));
      const t = traceOf('soak')!;
      peak = Math.max(peak, t.length);
    }
    expect(peak).toBeLessThanOrEqual(3 * FULL_ROWS);
    const t = traceOf('soak')!;
    // The last FULL_ROWS steps are all there, in order.
    const tail = Array.from(t.columns.step.subarray(t.length - FULL_ROWS));
    expect(tail[0]).toBe(1_000_000 - FULL_ROWS);
    expect(tail.every((s, i) => i === 0 || s === tail[i - 1]! + 1)).toBe(true);
    expect(t.columns.step[0]).toBe(0);
    // The buckets saw every row: the loss mean over bucket 0 is over all its steps, not a thinned subset.
    const b = bucketsOf('soak')!;
    let rows = 0;
    for (let i = 0; i < b.count; i++) rows += b.rows[i]!;
    expect(rows).toBe(1_000_000);
    const pts = aggregateBuckets([b], 'loss', 'step', true);
    let logSum = 0;
    for (let s = 0; s < b.width; s++) logSum += Math.log(1 / (1 + s));
    expect(pts[0]!.y).toBeCloseTo(Math.exp(logSum / b.width), 10);
    clearTrace('soak');
    expect(traceOf('soak')).toBeNull();
    expect(bucketsOf('soak')).toBeNull();
  });

  it('a restored trace replaces the old one, buckets included; θ survives growth', async () => {
    const c = chunk(0, 10);
    c.theta = Float64Array.from({ length: 20 }, (_, i) => i);
    c.thetaDim = 2;
    setTrace('r', c, { fromStorage: true });
    for (let i = 0; i < 300; i++) {
      const d = chunk(10 + i * 10, 10);
      d.theta = new Float64Array(20).fill(i);
      d.thetaDim = 2;
      await appendChunk('r', d);
    }
    const t = traceOf('r')!;
    expect(t.length).toBe(3010);
    expect(Array.from(t.theta!.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    expect(t.theta![t.length * 2 - 1]).toBe(299);
    setTrace('r', chunk(0, 5), { fromStorage: true });
    expect(traceOf('r')!.length).toBe(5);
    expect(bucketsOf('r')!.count).toBe(5);
  });
});
