/**
 * Sweeps on a real queue: BullMQ on a Redis this file starts itself (a unix socket only: --port 0 disables TCP),
 * bounded by `timeout`, stopped by its PID. Workers are `node --import tsx src/cli/lab.ts worker` processes
 * (not the tsx CLI, which forks a child that a kill would miss). npm test installs Debian's redis-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineVersion, parseQueueUrl, PREFIX, QUEUE_NAME } from './queueShared';
import { lab } from '../../testing/cli';
import { expandSweep, parseSweepSpec } from './spec';

const REDIS = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
const dir = mkdtempSync(join(tmpdir(), 'l4-queue-'));
const sock = join(dir, 'redis.sock');
const url = `unix://${sock}`;
const children: ChildProcess[] = [];
let redis: ChildProcess;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(f: () => T | Promise<T>, what: string, ms = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * A Redis on a unix socket, for at most 5 minutes: by default with the append-only file on (a restart loses
 * nothing); `volatile` keeps nothing across a restart.
 */
function redisServer(socket: string, volatile = false): ChildProcess {
  const persistence = volatile ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec'];
  const p = spawn(
    'timeout',
    ['300', REDIS, '--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', ...persistence, '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  children.push(p);
  return p;
}
async function startRedis(): Promise<void> {
  redis = redisServer(sock);
  await until(() => existsSync(sock), 'redis to listen');
}
async function stop(p: ChildProcess): Promise<void> {
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM'); // timeout passes it on; redis writes its append-only file (if it keeps one) and exits
  await exited;
}
const stopRedis = () => stop(redis);

/** A `lab worker` process; its output lines are collected. */
function worker(...extra: string[]): { proc: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'worker', '--queue', url, ...extra], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const lines: string[] = [];
  proc.stdout!.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  proc.stderr!.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, lines, exited };
}
const doneKeys = (lines: string[]) => lines.map((l) => /^([0-9a-f]{16}) .*: done,/.exec(l)?.[1]).filter((k): k is string => !!k);

const specFile = (name: string, spec: object) => {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ kind: 'l4-lab-sweep', v: 1, name, seeds: { first: 1, count: 2 }, ...spec }));
  return file;
};
const withoutTimes = (file: string) =>
  JSON.stringify(JSON.parse(readFileSync(file, 'utf8')), (k, v: unknown) =>
    ['seconds', 'wallTime', 'exportedAt'].includes(k) ? undefined : v,
  );

let queue: Queue;
beforeAll(async () => {
  if (!existsSync(REDIS))
    throw new Error(`These tests need Debian's redis-server at ${REDIS}: npm test installs it (apt-get install redis-server).`);
  await startRedis();
  queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(url).connection, prefix: PREFIX });
  queue.on('error', () => {}); // while Redis restarts; the client reconnects by itself
}, 30_000);

afterAll(async () => {
  await queue?.close().catch(() => {});
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await sleep(500);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('lab sweep --queue and lab worker (BullMQ on Redis)', () => {
  it('20 runs through two workers, one killed mid-run: every run ends with one result, and the merged file equals the local pool’s', async () => {
    const file = specFile('killed', {
      tasks: [{ task: 'regression', steps: 1000 }],
      optimizers: [
        { optimizer: 'adam', grid: { learningRate: { log: [1e-3, 1e-1, 5] } } },
        { optimizer: 'momentum' },
        { optimizer: 'l4adam' },
        { optimizer: 'l4mom' },
        { optimizer: 'sgd', options: { learningRate: 1e-4 } },
      ],
    });
    const runs = expandSweep(parseSweepSpec(JSON.parse(readFileSync(file, 'utf8'))));
    expect(runs).toHaveLength(18);
    // A short lock so the killed worker's run is taken up again within a few seconds.
    const a = worker('--lock-ms', '3000', '--stalled-ms', '1000');
    const b = worker('--lock-ms', '3000', '--stalled-ms', '1000');
    const out = join(dir, 'killed-queue');
    const sweep = lab(['sweep', file, '--queue', url, '--out', out]);
    // Kill worker a with -9 while BullMQ has a run of it active.
    const victim = await until(
      async () => (await queue.getActive()).find((j) => j.processedBy?.endsWith(`:${a.proc.pid}`)),
      'worker a to take a run',
    );
    a.proc.kill('SIGKILL');
    const r = await sweep;
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/killed: 18 runs — 18 trained now, 0 already had a result, 0 failed/);
    // The run a was killed in finished on b; exactly one result per run key.
    const lost = victim.id!.split('.').at(-1)!;
    expect(doneKeys(b.lines)).toContain(lost);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(runs.map((x) => `${x.runKey}.json`).sort());
    // The same spec on the local pool merges to the same file (wall times aside).
    const local = await lab(['sweep', file, '--out', join(dir, 'killed-local'), '--workers', '2']);
    expect(local.code).toBe(0);
    for (const merged of ['results.json', 'killed.bundle.json'])
      expect(withoutTimes(join(out, merged))).toEqual(withoutTimes(join(dir, 'killed-local', merged)));
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 120_000);

  it('Redis restarted mid-sweep (append-only file): the sweep finishes, nothing lost, nothing run twice; a rerun resumes', async () => {
    const file = specFile('restart', {
      tasks: [{ task: 'regression', steps: 3000 }],
      optimizers: [{ optimizer: 'adam', grid: { learningRate: [1e-3, 1e-2, 1e-1] } }, { optimizer: 'l4adam' }],
    });
    const a = worker();
    const b = worker();
    const out = join(dir, 'restart');
    const sweep = lab(['sweep', file, '--queue', url, '--out', out]);
    await until(() => existsSync(join(out, 'runs')) && readdirSync(join(out, 'runs')).length >= 2, 'two results');
    await stopRedis();
    await sleep(1000);
    await startRedis();
    const r = await sweep;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restart: 8 runs — 8 trained now, 0 already had a result, 0 failed; merged/);
    expect(r.stdout).not.toMatch(/again after their job was lost/);
    const keys = [...doneKeys(a.lines), ...doneKeys(b.lines)].sort();
    expect(keys).toEqual(
      expandSweep(parseSweepSpec(JSON.parse(readFileSync(file, 'utf8'))))
        .map((x) => x.runKey)
        .sort(),
    );
    // Again: every result is there already, nothing is enqueued or trained.
    const again = await lab(['sweep', file, '--queue', url, '--out', out]);
    expect(again.stdout).toMatch(/restart: 8 runs — 0 trained now, 8 already had a result/);

    // A job that can never run fails at once (no retries), with a sentence: a forged run, another version.
    const bad = await queue.add(
      'bad',
      { v: 1, sweepId: 'bad', run: { task: 'nope', budget: { steps: 1 }, specId: 'x' }, engine: engineVersion() },
      { attempts: 3, jobId: 'bad.1' },
    );
    const old = await queue.add(
      'old',
      { v: 1, sweepId: 'old', run: {}, engine: { lab: '0.0.1', tfjs: '1' } },
      { attempts: 3, jobId: 'old.1' },
    );
    for (const [job, reason] of [
      [bad, /The job's run is not valid: Task 1: Unknown task "nope"/],
      [old, /The job was made by lab 0\.0\.1 .* mixed versions would break the paired comparison/],
    ] as const) {
      await until(async () => (await job.getState()) === 'failed', 'the bad job to fail', 10_000);
      const j = (await queue.getJob(job.id!))!;
      expect(j.attemptsMade).toBe(1);
      expect(j.failedReason).toMatch(reason);
    }

    // SIGTERM mid-run: the worker finishes the run, writes its result, then exits.
    const long = specFile('sigterm', {
      tasks: [{ task: 'regression', steps: 8000 }],
      optimizers: [{ optimizer: 'adam' }],
      seeds: { first: 1, count: 1 },
    });
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    const queued = await lab(['sweep', long, '--queue', url, '--out', join(dir, 'sigterm'), '--no-wait']);
    expect(queued.stdout).toMatch(/1 on the queue as sweep sigterm-/);
    await until(async () => (await queue.getActive()).length > 0, 'the run to start');
    a.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    const [key] = expandSweep(parseSweepSpec(JSON.parse(readFileSync(long, 'utf8')))).map((x) => x.runKey);
    expect(doneKeys(a.lines)).toContain(key);
    expect(a.lines.join('\n')).toMatch(/SIGTERM, finishing the current run/);
    const collected = await lab(['sweep', long, '--queue', url, '--out', join(dir, 'sigterm')]);
    expect(collected.stdout).toMatch(/sigterm: 1 runs — 0 trained now, 1 already had a result/);
  }, 120_000);

  it('Redis restarted without persistence: the sweep re-adds the lost runs and finishes', async () => {
    const sock2 = join(dir, 'volatile.sock');
    const url2 = `unix://${sock2}`;
    let r2 = redisServer(sock2, true);
    await until(() => existsSync(sock2), 'the second redis');
    const file = specFile('volatile', {
      tasks: [{ task: 'regression', steps: 3000 }],
      optimizers: [{ optimizer: 'adam', grid: { learningRate: [1e-3, 1e-2, 1e-1] } }, { optimizer: 'l4adam' }],
    });
    const spawnWorker = () => {
      const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'worker', '--queue', url2], { stdio: 'ignore' });
      children.push(p);
      return p;
    };
    const ws = [spawnWorker(), spawnWorker()];
    const out = join(dir, 'volatile');
    const sweep = lab(['sweep', file, '--queue', url2, '--out', out]);
    await until(() => existsSync(join(out, 'runs')) && readdirSync(join(out, 'runs')).length >= 2, 'two results');
    await stop(r2);
    r2 = redisServer(sock2, true);
    await until(() => existsSync(sock2), 'the second redis, again');
    const r = await sweep;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /volatile: 8 runs — 8 trained now, 0 already had a result, 0 failed, \d+ put on the queue again after their job was lost/,
    );
    expect(readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.json'))).toHaveLength(8);
    for (const w of ws) w.kill('SIGTERM');
    await stop(r2);
  }, 120_000);

  it('a bad queue URL is a usage error with a sentence', async () => {
    const r = await lab(['worker', '--queue', 'http://x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--queue takes redis:\/\/, rediss:\/\/ or unix:\/\/ URLs, got "http:\/\/…"/);
    expect(parseQueueUrl('redis://10.0.0.5:6379/2').warning).toMatch(/SSH tunnel/);
    expect(parseQueueUrl('redis://:pw@10.0.0.5:6379/2').warning).toBeNull();
    expect(parseQueueUrl('redis://127.0.0.1').connection).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0 });
  }, 30_000);
});
