import { afterEach, describe, expect, it } from 'vitest';
import { DEAD_WORKER_REASON } from './client';
import { WorkerPool } from './pool';
import type { FromWorker, RunConfig } from './protocol';
import { runIdOf, started, installFakeWorkers, type FakeWorker } from '../testing/fakeWorkers';
import { setWorkerFactory } from './spawn';

let fakes: FakeWorker[] = [];
const installFakes = () => {
  fakes = installFakeWorkers();
};

const config: RunConfig = { task: 'functions-2d', taskSettings: {}, optimizer: 'sgd', optimizerOptions: {}, seed: 1, steps: 10 };
const status = (f: FakeWorker, s: 'done' | 'paused' | 'running' | 'failed', reason?: string): FromWorker => ({
  type: 'status',
  runId: runIdOf(f),
  status: s,
  step: 10,
  divergedAt: null,
  ...(reason ? { reason } : {}),
});

afterEach(() => setWorkerFactory(() => ({ postMessage() {}, addEventListener() {}, terminate() {} }) as never));

describe('the worker pool (lab runs, tuning grid and teaching page alike)', () => {
  it('runs at most size() jobs, starts queued ones in order as others finish, and frees finished workers', () => {
    installFakes();
    const pool = new WorkerPool(() => 2);
    const launched: string[] = [];
    for (const id of ['a', 'b', 'c', 'd']) pool.submit({ id, config, callbacks: {}, onLaunch: () => launched.push(id) });
    expect(launched).toEqual(['a', 'b']);
    expect(pool.isQueued('c') && pool.isQueued('d')).toBe(true);
    fakes[0]!.say(status(fakes[0]!, 'done'));
    expect(fakes[0]!.terminated).toBe(true);
    expect(launched).toEqual(['a', 'b', 'c']);
    // A stopped queued job leaves the queue without a worker.
    expect(pool.command('d', 'stop')).toBe(true);
    fakes[1]!.say(status(fakes[1]!, 'done'));
    expect(launched).toEqual(['a', 'b', 'c']);
    pool.cancelAll();
    expect(fakes.every((f) => f.terminated)).toBe(true);
  });

  it('tells live workers their share of the CPU; a paused run does not count', () => {
    installFakes();
    const pool = new WorkerPool(() => 8);
    for (const id of ['a', 'b', 'c', 'd']) pool.submit({ id, config, callbacks: {} });
    const lastShare = (f: FakeWorker) => (f.got.filter((m) => m.type === 'share').at(-1) as { share: number }).share;
    // navigator.hardwareConcurrency is absent in Node: 2 cores, so four busy workers get (2 − 0.5)/4 each.
    expect(lastShare(fakes[0]!)).toBeCloseTo(0.375, 12);
    fakes[3]!.say(status(fakes[3]!, 'paused'));
    expect(lastShare(fakes[0]!)).toBeCloseTo(0.5, 12);
    pool.cancelAll();
  });

  it('a run restarted after its worker died avoids the backend it died on', async () => {
    installFakes();
    const pool = new WorkerPool(() => 2, { pingMs: 5, timeoutMs: 20 });
    const statuses: string[] = [];
    pool.submit({ id: 'a', config, callbacks: { onStatus: (m) => statuses.push(`${m.status}: ${m.reason ?? ''}`) } });
    const first = fakes[0]!;
    first.say(started(first, 'webgl'));
    // The worker goes silent: the watchdog fails the run.
    await new Promise((r) => setTimeout(r, 60));
    expect(statuses).toEqual([`failed: ${DEAD_WORKER_REASON}`]);
    pool.submit({ id: 'a', config, callbacks: {} });
    const again = fakes[1]!.got.find((m) => m.type === 'start') as { config: RunConfig };
    expect(again.config.avoid?.webgl).toMatch(/the last attempt of this run failed on it/);
    // Only once: a third start is back to the plain config.
    pool.submit({ id: 'a', config, callbacks: {} });
    expect((fakes[2]!.got.find((m) => m.type === 'start') as { config: RunConfig }).config.avoid).toBeUndefined();
    pool.cancelAll();
  });
});
