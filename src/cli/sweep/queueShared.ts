/**
 * What `lab sweep --queue` and `lab worker` share: the queue's address, its settings and where results live.
 * The runs go to BullMQ on Redis, one job per run keyed by its run key. bullmq and ioredis are loaded
 * only by the commands that use a queue, so `lab train` starts as before and the page never bundles them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tfjsVersion } from '../../engine/nodeBackend';
import { canonicalJson, type SweepRun, type SweepSpec } from './spec';

/** ioredis's connection options for a queue URL. */
export interface QueueConnection {
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly db?: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: Record<string, never>;
  /** BullMQ's workers need this: a blocked command waits for Redis rather than failing after 20 retries. */
  readonly maxRetriesPerRequest: null;
}

export class QueueUrlError extends Error {}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Reads `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS) or `unix:///path/to/redis.sock`.
 * `warning` is set when the queue is reached over the network without a password: Redis has no
 * authentication by default, so such a port should be reached through an SSH tunnel instead.
 */
export function parseQueueUrl(url: string): { connection: QueueConnection; where: string; warning: string | null } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUrlError(`--queue takes redis://host:port, rediss://host:port or unix:///path/to/redis.sock, got "${url}".`);
  }
  if (u.protocol === 'unix:') {
    if (!u.pathname || u.pathname === '/') throw new QueueUrlError(`--queue ${url} names no socket: use unix:///path/to/redis.sock.`);
    return { connection: { path: decodeURIComponent(u.pathname), maxRetriesPerRequest: null }, where: u.pathname, warning: null };
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new QueueUrlError(`--queue takes redis://, rediss:// or unix:// URLs, got "${u.protocol}//…".`);
  if (!u.hostname) throw new QueueUrlError(`--queue ${url} names no host.`);
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15)
    throw new QueueUrlError(`--queue ${url}: the database must be a number in [0, 15], got "${dbText}".`);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const warning =
    !LOOPBACK.has(u.hostname) && !password
      ? `The queue ${u.hostname}:${port} is not on this machine and has no password. Redis has no authentication by default: reach it through an SSH tunnel (ssh -N -L 6379:127.0.0.1:6379 ${u.hostname}, then --queue redis://127.0.0.1:6379) or give it an ACL user and password.`
      : null;
  return {
    connection: {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port,
      db,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
      maxRetriesPerRequest: null,
    },
    where: `${u.hostname}:${port}/${db}`,
    warning,
  };
}

/** BullMQ's key prefix: the lab's keys stay apart from other users of the same Redis. */
export const PREFIX = 'l4lab';
/** One queue for every sweep; a job's id says which sweep it belongs to. */
export const QUEUE_NAME = 'runs';
/**
 * Worker settings for runs of 1–60 s (design note §3.2): the lock is renewed every 7.5 s, so the event loop may
 * block up to ~7 s; a killed worker's run is taken up elsewhere within ~25 s.
 */
export const WORKER_DEFAULTS = { lockMs: 15_000, stalledMs: 5_000, maxStalledCount: 2 } as const;
/** Retries at +2 s and +6 s; finished jobs are dropped (results live in their own hash), failed ones kept a week. */
export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
/** Results are kept in Redis for a week after the last one arrived. */
export const RESULT_TTL_S = 7 * 24 * 3600;

/** The hash holding a sweep's results, run key → the run's JSON document (written once, HSETNX). */
export const resultsKey = (sweepId: string): string => `${PREFIX}:sweep:${sweepId}:runs`;

/** A sweep's id: its name and a hash of the whole spec, so an edited spec is a new sweep. No ':' (BullMQ). */
export const sweepIdOf = (spec: SweepSpec): string =>
  `${spec.name}-${createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 8)}`;

export const jobIdOf = (sweepId: string, runKey: string): string => `${sweepId}.${runKey}`;

/** What a job carries. */
export interface QueueJobData {
  readonly v: 1;
  readonly sweepId: string;
  readonly run: SweepRun;
  readonly engine: { readonly lab: string; readonly tfjs: string };
}

let version: string | null = null;
/**
 * This engine's version: the package version and, in a git checkout, its commit (with "+dirty" for local
 * changes). Workers refuse jobs from another version: mixed versions would break the paired, bit-identical
 * comparison.
 */
export function labVersion(): string {
  if (version) return version;
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
  let commit = '';
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    commit = `+${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no', '--', 'src']) ? '.dirty' : ''}`;
  } catch {
    // Not a git checkout (or no git): the package version alone.
  }
  version = `${pkg.version}${commit}`;
  return version;
}

export const engineVersion = (): QueueJobData['engine'] => ({ lab: labVersion(), tfjs: tfjsVersion });
