// Lint: the layering of ARCHITECTURE.md as restricted imports (data flows one way), and React's hook rules.
// Formatting is Prettier's (npm run format); `npm run lint` checks both and is part of `npm test`.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** An import of one of our layers, from any depth. */
const layer = (...names) => ({
  regex: `^(\\.\\./)+(${names.join('|')})(/|$)`,
  message: `breaks the layering (ARCHITECTURE.md): data flows ui → state → worker → engine → tasks + optim.`,
});

/** Every folder of src/: each has a rule below naming the ones it may import (ARCHITECTURE.md's layering). */
const LAYERS = ['lib', 'optim', 'tasks', 'experiments', 'engine', 'worker', 'state', 'ui', 'cli', 'testing'];

const TESTS = (dir) => [`src/${dir}/**/*.test.ts`, `src/${dir}/**/*.test.tsx`];

/**
 * The production files of `dir` may import only the layers in `allowed` (and themselves); tests may also import
 * `testing` and whatever they exercise. An allow-list, so that a new folder is closed until a rule names it.
 */
const allow = (dir, allowed, extra = []) => {
  const denied = LAYERS.filter((l) => l !== dir && !allowed.includes(l));
  const patterns = [...(denied.length ? [layer(...denied)] : []), ...extra];
  return {
    files: [`src/${dir}/**/*.{ts,tsx}`],
    ignores: TESTS(dir),
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
};

const onlyTfjsCore = {
  group: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-*', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-converter'],
  message: 'optim imports only @tensorflow/tfjs-core.',
};

/**
 * The page's main thread never loads tfjs (it trains in workers): from optim, tasks, engine and worker it may load
 * only this list (the catalogues, the specs and metas, the scalar arithmetic, the data parsers, the trace schema, the
 * worker pool and protocol). Type-only imports load nothing and are allowed. The listed modules' own imports are
 * held to the same by a unit test (src/mainThread.test.ts), which walks the page's import graph.
 */
export const MAIN_THREAD_MAY_LOAD = [
  'optim/catalogue',
  'optim/spec',
  'optim/flags',
  'optim/kernels/scalarOps',
  'optim/stepsizes/l4Formula',
  'optim/(directions|stepsizes|peers)/[A-Za-z0-9]+\\.meta',
  'tasks/catalogue',
  'tasks/spec',
  'tasks/[A-Za-z0-9]+\\.meta',
  'tasks/data/(idx|mnist|cifar|catalogue|spec|load|[A-Za-z0-9]+\\.meta)',
  'engine/trace',
  'worker/(pool|protocol|labDb|spawn|client)',
];
const noTfjsOnMainThread = [
  { group: ['@tensorflow/*'], message: 'the page’s main thread does not load tfjs (it trains in workers).', allowTypeImports: true },
  {
    regex: `^(\\.\\./)+(?!(${MAIN_THREAD_MAY_LOAD.join('|')})$)(optim|tasks|engine|worker)(/|$)`,
    message: 'the page’s main thread may load only the tfjs-free modules of MAIN_THREAD_MAY_LOAD (eslint.config.js).',
    allowTypeImports: true,
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { 'react-hooks': reactHooks, '@typescript-eslint': tseslint.plugin },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  // Who may import whom (production files; tests may also import `testing` and what they exercise).
  allow('lib', []),
  allow('optim', ['lib'], [onlyTfjsCore]),
  allow('tasks', ['lib']),
  // The paper's set-ups and line-ups: data over the catalogues, read by the page, the CLI and the benches.
  allow('experiments', ['lib', 'optim', 'tasks'], noTfjsOnMainThread),
  allow('engine', ['lib', 'optim', 'tasks']),
  allow('worker', ['lib', 'optim', 'tasks', 'engine']),
  allow('cli', ['lib', 'optim', 'tasks', 'experiments', 'engine']),
  allow('state', ['lib', 'optim', 'tasks', 'experiments', 'engine', 'worker'], noTfjsOnMainThread),
  allow('ui', ['lib', 'optim', 'tasks', 'experiments', 'state'], noTfjsOnMainThread),
  allow('testing', ['lib', 'optim', 'tasks', 'experiments', 'engine', 'worker', 'state', 'cli']),
  // The page's entry.
  {
    files: ['src/main.tsx'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [layer('cli', 'testing'), ...noTfjsOnMainThread] }] },
  },
);
