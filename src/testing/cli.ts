/** Test helper: runs the headless lab (`src/cli/lab.ts`) as a process, as `npm run lab -- …` would. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

/** The lab's exit code and output (a non-zero exit is a result here, not an error). */
export const lab = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  run(tsx, ['src/cli/lab.ts', ...args], { cwd: process.cwd() }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
