import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../worker/protocol';
import { inProcessWorkers } from '../testing/worker';
import { maxConcurrentRuns, setWorkerFactory, useRuns, workerShare } from './runs';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the run pool', () => {
  it('trains at most maxConcurrentRuns() at once; the rest wait as "queued" and all finish', async () => {
    let alive = 0;
    let peak = 0;
    setWorkerFactory(
      inProcessWorkers({
        onSpawn: () => {
          alive++;
          peak = Math.max(peak, alive);
        },
        onEnd: () => alive--,
      }),
    );
    const config: RunConfig = {
      task: 'functions-2d',
      taskSettings: { fn: 'quadratic' },
      optimizer: 'l4mom',
      optimizerOptions: {},
      seed: 1,
      steps: 30,
    };
    const list = Array.from({ length: 6 }, (_, i) => ({ id: `p${i}`, specId: 'p', seed: i + 1, config: { ...config, seed: i + 1 } }));
    useRuns.getState().startAll(list);
    const statuses = () => useRuns.getState().order.map((id) => useRuns.getState().runs[id]!.status);
    expect(statuses().filter((s) => s === 'queued')).toHaveLength(6 - maxConcurrentRuns());
    const t0 = Date.now();
    while (!statuses().every((s) => s === 'done')) {
      if (Date.now() - t0 > 20_000) throw new Error(`timed out: ${statuses().join(',')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(peak).toBe(maxConcurrentRuns());
    expect(useRuns.getState().order).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(useRuns.getState().runs.p5!.step).toBe(30);
    useRuns.getState().removeAll();
    await new Promise((r) => setTimeout(r, 20));
    expect(alive).toBe(0);
  });
});

describe('worker shares of the CPU', () => {
  it('leave half a core to the page when busy workers outnumber the cores, and a whole core each otherwise', () => {
    expect(workerShare(4, 2)).toBeCloseTo(0.375, 12);
    expect(workerShare(1, 2)).toBe(1);
    expect(workerShare(2, 2)).toBe(0.75);
    expect(workerShare(4, 8)).toBe(1);
    expect(workerShare(0, 2)).toBe(1);
    expect(workerShare(40, 2)).toBe(0.1); // a floor, so that no run stalls
  });
});
