/**
 * `npm run bench:sweep`: the sweep pools side by side in one run (issue 15). It starts its own Redis on a unix
 * socket (no TCP), bounded by `timeout` and stopped by its PID, and measures:
 * - the queue's cost per job: N one-step runs through one `lab worker` against the same runs trained in this
 *   process one after another (jobs per second, and the difference per job);
 * - the speed-up of 2 workers over 1, for the local pool and for the queue, on a grid of short regression runs,
 *   in alternating rounds. Queue workers are started (and warmed) before the clock starts; the local pool's
 *   clock includes starting its worker processes, as `lab sweep` does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweepLocal } from '../src/cli/sweep/run';
import { runSweepJob } from '../src/cli/sweep/job';
import { runSweepQueued } from '../src/cli/sweep/queue';
import { expandSweep, parseSweepSpec, type SweepSpec } from '../src/cli/sweep/spec';

const arg = (name: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d);
const ROUNDS = arg('rounds', 2);
const NOOP = arg('noop', 200);
const dir = mkdtempSync(join(tmpdir(), 'l4-bench-sweep-'));
const sock = join(dir, 'redis.sock');
const url = `unix://${sock}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const procs: ChildProcess[] = [];
let n = 0;

const spec = (name: string, steps: number, lrs: number, seeds: number): SweepSpec =>
  parseSweepSpec({
    kind: 'l4-lab-sweep',
    v: 1,
    name: `${name}-${n++}`,
    tasks: [{ task: 'regression', steps }],
    optimizers: [{ optimizer: 'adam', grid: { learningRate: { log: [1e-4, 1e-1, lrs] } } }],
    seeds: { first: 1, count: seeds },
  });

async function workers(k: number): Promise<ChildProcess[]> {
  const ws = Array.from({ length: k }, () => {
    const w = spawn(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'worker', '--queue', url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    procs.push(w);
    return w;
  });
  await Promise.all(
    ws.map((w) => new Promise<void>((r) => w.stdout!.on('data', (b: Buffer) => b.toString().includes('waiting for runs') && r()))),
  );
  await runSweepQueued(spec('warm', 10, k, 1), { url, out: join(dir, `warm-${n}`), pollMs: 50 }); // each worker starts tfjs once
  return ws;
}
async function stop(ws: ChildProcess[]) {
  await Promise.all(ws.map((w) => new Promise((r) => (w.once('exit', r), w.kill('SIGTERM')))));
}
async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

const redis = spawn(
  'timeout',
  [
    '1800',
    'redis-server',
    '--port',
    '0',
    '--unixsocket',
    sock,
    '--unixsocketperm',
    '700',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ],
  {
    stdio: 'ignore',
  },
);
procs.push(redis);
try {
  for (let i = 0; i < 200 && !existsSync(sock); i++) await sleep(25);
  console.log(`Redis on ${sock} (pid ${redis.pid}); ${ROUNDS} rounds\n`);

  // 1. Per-job cost of the queue: one-step runs (the training itself is a few ms).
  const tiny = spec('noop', 1, NOOP / 2, 2);
  const runs = expandSweep(tiny);
  for (const r of runs.slice(0, 3)) await runSweepJob(r); // tfjs started, as in a warm worker
  const inproc = await timed(async () => {
    for (const r of runs) await runSweepJob(r);
  });
  const [w] = await workers(1);
  const queued = await timed(() => runSweepQueued(spec('noop', 1, NOOP / 2, 2), { url, out: join(dir, `noop-${n}`), pollMs: 20 }));
  await stop([w!]);
  console.log(
    `queue overhead: ${runs.length} one-step runs — in this process ${inproc.toFixed(2)} s, through 1 worker ${queued.toFixed(2)} s ` +
      `(${(runs.length / queued).toFixed(0)} jobs/s, ${((1000 * (queued - inproc)) / runs.length).toFixed(1)} ms more per job, including the producer's 20 ms polling)\n`,
  );

  // 2. Speed-up of 2 workers over 1, alternating.
  const grid = () => spec('grid', 1500, 8, 5); // 40 runs of ≈0.3–0.4 s
  const times: Record<string, number[]> = { 'local 1': [], 'local 2': [], 'queue 1': [], 'queue 2': [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of round % 2 ? [2, 1] : [1, 2]) {
      times[`local ${k}`]!.push(await timed(() => runSweepLocal(grid(), { out: join(dir, `local-${n}`), workers: k })));
      const ws = await workers(k);
      times[`queue ${k}`]!.push(await timed(() => runSweepQueued(grid(), { url, out: join(dir, `queue-${n}`), pollMs: 100 })));
      await stop(ws);
    }
    console.log(
      `round ${round + 1}: ${Object.entries(times)
        .map(([k, t]) => `${k} ${t.at(-1)!.toFixed(1)} s`)
        .join(', ')}`,
    );
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log('\n| pool | 1 worker, s | 2 workers, s | speed-up (per round) |\n| --- | --- | --- | --- |');
  for (const pool of ['local', 'queue']) {
    const one = times[`${pool} 1`]!;
    const two = times[`${pool} 2`]!;
    const ratios = one.map((t, i) => t / two[i]!);
    console.log(
      `| ${pool} (40 regression runs, 1500 steps) | ${one.map((t) => t.toFixed(1)).join(', ')} | ${two.map((t) => t.toFixed(1)).join(', ')} | **${med(ratios).toFixed(2)}×** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`,
    );
  }
} finally {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
}
