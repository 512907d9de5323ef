#!/usr/bin/env node
/**
 * `npm test`'s first step: the system packages the suite needs, from Debian. A missing one is installed when
 * this process may (root, or sudo without a password); otherwise the suite stops at once with the one
 * command to run. Nothing is downloaded from anywhere but Debian's archive.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What the tests need: a binary and the Debian package that provides it. */
const NEEDS = [
  {
    what: 'Chromium (the end-to-end tests)',
    path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    pkg: 'chromium',
    env: 'CHROMIUM_PATH',
  },
  {
    what: 'Redis (the tests of sweeps on a queue start their own, on a unix socket)',
    path: '/usr/bin/redis-server',
    pkg: 'redis-server',
    env: 'REDIS_SERVER_PATH',
  },
];

const missing = NEEDS.filter((n) => !existsSync(n.path));
if (missing.length === 0) process.exit(0);
const elsewhere = missing.filter((n) => process.env[n.env]);
if (elsewhere.length > 0) {
  for (const n of elsewhere) process.stderr.write(`${n.env} is ${n.path}, which does not exist.\n`);
  process.exit(1);
}

const pkgs = missing.map((n) => n.pkg);
const command = `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
const isRoot = process.getuid?.() === 0;
const sudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (!isRoot && !sudo) {
  for (const n of missing) process.stderr.write(`npm test needs ${n.what} at ${n.path} (or set ${n.env}).\n`);
  process.stderr.write(`Install it with:\n\n  sudo ${command}\n\nthen run npm test again.\n`);
  process.exit(1);
}
const run = (args) =>
  execFileSync(isRoot ? args[0] : 'sudo', isRoot ? args.slice(1) : args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
process.stderr.write(`npm test: installing ${pkgs.join(', ')} from Debian's packages …\n`);
run(['apt-get', 'update']);
run(['apt-get', 'install', '-y', '--no-install-recommends', ...pkgs]);
const still = missing.filter((n) => !existsSync(n.path));
if (still.length > 0) {
  process.stderr.write(`After installing, ${still.map((n) => n.path).join(', ')} is still missing.\n`);
  process.exit(1);
}
