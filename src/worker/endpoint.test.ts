import * as tf from '@tensorflow/tfjs';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { concatChunks, type TraceChunk } from '../engine/trace';
import { DEAD_WORKER_REASON, RunClient } from './client';
import { serve } from './endpoint';
import { PROTOCOL_VERSION, type Endpoint, type FromWorker, type RunConfig } from './protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const env = {
  probe: { registered: ['cpu'] as const, webgpuAdapter: async () => 'none' as const },
  loadData: async () => ({}),
  flushMs: 5,
};

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

function channel() {
  const { port1, port2 } = new MessageChannel();
  closers.push(
    serve(port1 as unknown as Endpoint, env),
    () => port1.close(),
    () => port2.close(),
  );
  return port2 as unknown as Endpoint;
}

const quad: RunConfig = {
  task: 'functions-2d',
  taskSettings: { fn: 'quadratic' },
  optimizer: 'l4mom',
  optimizerOptions: {},
  seed: 1,
  steps: 60,
};

/** Starts a run and collects everything the worker says about it. */
function watch(client: RunClient, config: RunConfig, paused = false) {
  const chunks: TraceChunk[] = [];
  const statuses: Extract<FromWorker, { type: 'status' }>[] = [];
  const errors: string[] = [];
  let started: Extract<FromWorker, { type: 'started' }> | null = null;
  let done!: () => void;
  const ended = new Promise<void>((r) => (done = r));
  const runId = client.start(
    config,
    {
      onStarted: (m) => (started = m),
      onChunk: (c) => chunks.push(c),
      onStatus: (s) => {
        statuses.push(s);
        if (['done', 'diverged', 'stopped', 'failed'].includes(s.status)) done();
      },
      onError: (m) => errors.push(m),
    },
    { paused },
  );
  const rows = () => concatChunks(chunks);
  return { runId, chunks, statuses, errors, ended, rows, started: () => started };
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('worker runtime over a MessageChannel', () => {
  it('runs to the end, streaming every step in order, and reports the backend', async () => {
    const w = watch(new RunClient(channel()), quad);
    await w.ended;
    expect(w.started()).toMatchObject({ backend: 'cpu', fallbackReason: null, stepsPerEpoch: 1 });
    expect(w.started()!.description).toMatch(/quadratic/);
    const t = w.rows();
    expect(t.length).toBe(60);
    expect(Array.from(t.columns.step)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(t.columns.loss[59]!).toBeLessThan(t.columns.loss[0]!);
    expect(w.statuses.at(-1)).toMatchObject({ status: 'done', step: 60, divergedAt: null });
    expect(w.errors).toEqual([]);
  });

  it('pause holds, step N advances exactly N, resume finishes', async () => {
    const client = new RunClient(channel());
    const w = watch(client, { ...quad, steps: 40 }, true);
    await until(() => w.statuses.some((s) => s.status === 'paused'));
    await new Promise((r) => setTimeout(r, 30));
    expect(w.rows().length).toBe(0);
    client.step(7);
    await until(() => w.rows().length === 7);
    await new Promise((r) => setTimeout(r, 30));
    expect(w.rows().length).toBe(7);
    client.resume();
    await w.ended;
    expect(w.rows().length).toBe(40);
  });

  it('live α changes are recorded in the trace', async () => {
    const client = new RunClient(channel());
    const w = watch(client, { ...quad, steps: 30 }, true);
    await until(() => w.statuses.some((s) => s.status === 'paused'));
    client.step(10);
    await until(() => w.rows().length === 10);
    client.setHyper({ alpha: 0.25 });
    client.setHyper({ alpha: -2 });
    client.resume();
    await w.ended;
    const t = w.rows();
    expect(t.events).toEqual([{ step: 10, patch: { alpha: 0.25 } }]);
    expect(w.errors).toEqual([expect.stringMatching(/alpha must be in \(0, 100\], got -2/)]);
  });

  it('a change made while paused reaches the page at once, before any further step', async () => {
    const client = new RunClient(channel());
    const w = watch(client, { ...quad, steps: 30 }, true);
    await until(() => w.statuses.some((s) => s.status === 'paused'));
    client.setHyper({ alpha: 0.2 });
    await until(() => w.rows().events.length === 1);
    expect(w.rows().events).toEqual([{ step: 0, patch: { alpha: 0.2 } }]);
    expect(w.rows().length).toBe(0);
    client.stop();
    await w.ended;
  });

  it('a diverging run ends as diverged at its step', async () => {
    const w = watch(new RunClient(channel()), {
      task: 'regression',
      taskSettings: {},
      optimizer: 'sgd',
      optimizerOptions: { learningRate: 1 },
      seed: 1,
      steps: 200,
    });
    await w.ended;
    const last = w.statuses.at(-1)!;
    expect(last.status).toBe('diverged');
    // The run stops after 50 skipped steps in a row, and says so; it diverged at the first of them.
    expect(last.divergedAt).toBe(w.rows().length - 50);
    expect(last.reason).toMatch(new RegExp(`^50 steps in a row were skipped from step ${last.divergedAt} on`));
  });

  it('stop ends the run as stopped', async () => {
    const client = new RunClient(channel());
    const w = watch(client, { ...quad, steps: 1_000_000 });
    await until(() => w.rows().length > 20);
    client.stop();
    await w.ended;
    expect(w.statuses.at(-1)!.status).toBe('stopped');
  });

  it('a bad config fails the run with the reason', async () => {
    const w = watch(new RunClient(channel()), { ...quad, task: 'nope' });
    await w.ended;
    expect(w.statuses.at(-1)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/Unknown task "nope"/) });
  });

  it('messages of an older run are dropped after a restart', async () => {
    const client = new RunClient(channel());
    const first = watch(client, { ...quad, steps: 1_000_000 });
    await until(() => first.rows().length > 5);
    const countAtRestart = first.chunks.length;
    const second = watch(client, { ...quad, steps: 25 });
    await second.ended;
    expect(first.chunks.length).toBe(countAtRestart);
    expect(second.rows().length).toBe(25);
    expect(second.runId).not.toBe(first.runId);
  });

  it('a protocol version mismatch is an error, not a crash', async () => {
    const port = channel();
    const got = new Promise<FromWorker>((resolve) => port.addEventListener('message', (e) => resolve(e.data as FromWorker)));
    port.postMessage({ type: 'start', v: PROTOCOL_VERSION + 1, runId: 'x', config: quad });
    expect(await got).toMatchObject({ type: 'error', runId: 'x', message: expect.stringMatching(/Protocol version/) });
  });
});

describe('a worker that dies', () => {
  it('fails its run with the reason when it stops answering (killed, out of memory, device lost)', async () => {
    const { port1, port2 } = new MessageChannel();
    closers.push(
      () => port1.close(),
      () => port2.close(),
    );
    // Nobody serves port1: the worker is "dead".
    const client = new RunClient(port2 as unknown as Endpoint, 'x', { pingMs: 10, timeoutMs: 60 });
    const statuses: string[] = [];
    client.start(quad, { onStatus: (s) => statuses.push(`${s.status}: ${s.reason}`) });
    await until(() => statuses.length > 0, 2000);
    expect(statuses).toEqual([`failed: ${DEAD_WORKER_REASON}`]);
    client.dispose();
  });

  it('a live but paused worker answers the pings and stays alive', async () => {
    const client = new RunClient(channel(), 'y', { pingMs: 20, timeoutMs: 250 });
    const w = watch(client, { ...quad, steps: 10 }, true);
    await until(() => w.statuses.some((s) => s.status === 'paused'));
    // Four timeouts' worth of silence apart from the pongs.
    await new Promise((r) => setTimeout(r, 1000));
    expect(w.statuses.map((s) => s.status)).not.toContain('failed');
    client.resume();
    await w.ended;
    expect(w.statuses.at(-1)!.status).toBe('done');
  });

  it('a backend to avoid is skipped, with the reason', async () => {
    const w = watch(new RunClient(channel()), {
      ...quad,
      steps: 3,
      backend: 'cpu',
      avoid: { cpu: 'its device was lost in the last attempt' },
    });
    await w.ended;
    // cpu is the only backend here, so the run fails and names why.
    expect(w.statuses.at(-1)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/not cpu: its device was lost/) });
  });

  it('a worker given a share of a core below 1 trains in slices and rests in proportion between them', async () => {
    const client = new RunClient(channel());
    const w = watch(client, { ...quad, steps: 100_000 });
    client.share(0.25);
    await until(() => w.rows().length > 400, 60_000);
    client.stop();
    await w.ended;
    const t = w.rows().columns.wallTime;
    const n = w.rows().length;
    // Rests follow slices of ≥ 20 ms: each rest is ≥ 3 × 20 ms at a quarter share.
    const gaps: number[] = [];
    for (let i = 1; i < n; i++) if (t[i]! - t[i - 1]! >= 55) gaps.push(t[i]! - t[i - 1]!);
    expect(gaps.length).toBeGreaterThan(2);
    expect(w.errors).toEqual([]);
  });
});
