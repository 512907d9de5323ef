import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { allocChunk, type TraceChunk } from '../engine/trace';
import type { RunConfig } from '../worker/protocol';
import { runIdOf, started, installFakeWorkers } from '../testing/fakeWorkers';
import { openLabDb } from './db';
import { restoreRuns, resumeRun, startPersistence } from './persist';
import { useRuns } from './runs';
import { clearTrace, traceOf } from './traces';

const fakes = installFakeWorkers();

const config: RunConfig = {
  task: 'functions-2d',
  taskSettings: { fn: 'quadratic' },
  optimizer: 'sgd',
  optimizerOptions: {},
  seed: 1,
  steps: 100,
};

/** Rows [from, from + n) of a run's trace. */
function rows(from: number, n: number): TraceChunk {
  const c = allocChunk(n, ['effectiveLr']);
  for (let i = 0; i < n; i++) {
    c.columns.step[i] = from + i;
    c.columns.loss[i] = 100 - from - i;
    c.columns.effectiveLr![i] = 0.1;
    c.columns.wallTime[i] = from + i;
  }
  return c;
}

const until = async (f: () => boolean | Promise<boolean>, what: string) => {
  const t0 = Date.now();
  while (!(await f())) {
    if (Date.now() - t0 > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('nothing lost: persistence in IndexedDB', () => {
  it('a streamed chunk shows once saved; a reload brings the run back interrupted with every point; resume cuts at the checkpoint', async () => {
    const stop = startPersistence();
    useRuns.getState().startRun('a.1', 'a', 1, config);
    const worker = fakes.at(-1)!;
    const runId = runIdOf(worker);
    worker.say(started(worker, 'cpu'));
    worker.say({ type: 'status', runId, status: 'running', step: 0, divergedAt: null });
    worker.say({ type: 'chunk', runId, chunk: rows(0, 10) });
    // Save, then show: when the points are on the page they are in storage.
    await until(() => (traceOf('a.1')?.length ?? 0) === 10, 'the first chunk to show');
    const db = await openLabDb();
    expect((await db.getAllFromIndex('chunks', 'byRun', 'a.1')).map((c) => c.chunk.length)).toEqual([10]);
    worker.say({ type: 'checkpoint', runId, checkpoint: { step: 6, params: [], state: {} } });
    worker.say({ type: 'chunk', runId, chunk: rows(10, 10) });
    await until(() => (traceOf('a.1')?.length ?? 0) === 20, 'the second chunk to show');
    await until(async () => (await db.get('checkpoints', 'a.1'))?.step === 6, 'the checkpoint to be saved');
    await until(async () => (await db.get('runs', 'a.1'))?.status === 'running', 'the run to be saved as running');

    // A reload: the page's memory is gone, storage is not.
    stop();
    useRuns.setState({ runs: {}, order: [] });
    clearTrace('a.1');
    expect(await restoreRuns()).toBe(1);
    const back = useRuns.getState().runs['a.1']!;
    expect(back).toMatchObject({ status: 'interrupted', step: 20, resumableFrom: 6 });
    expect(Array.from(traceOf('a.1')!.columns.loss)).toEqual(Array.from({ length: 20 }, (_, i) => 100 - i));

    // Resume: the trace is cut back to the checkpoint, in storage too, and a worker continues from it.
    const restart = startPersistence();
    await resumeRun('a.1');
    const stored = await db.getAllFromIndex('chunks', 'byRun', 'a.1');
    expect(stored.map((c) => Array.from(c.chunk.columns.step))).toEqual([[0, 1, 2, 3, 4, 5]]);
    expect(Array.from(traceOf('a.1')!.columns.step)).toEqual([0, 1, 2, 3, 4, 5]);
    const resumed = fakes.at(-1)!.got.find((m) => m.type === 'start') as { resume?: { step: number } };
    expect(resumed.resume?.step).toBe(6);
    restart();
    useRuns.getState().removeAll();
  });
});
