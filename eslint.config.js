// Lint: the layering of ARCHITECTURE.md as restricted imports (data flows one way), and React's hook rules.
// Formatting is Prettier's (npm run format); `npm run lint` checks both and is part of `npm test`.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** An import of one of our layers, from any depth. */
const layer = (...names) => ({
  regex: `^(\\.\\./)+(${names.join('|')})(/|$)`,
  message: `breaks the layering (ARCHITECTURE.md): data flows ui → state → worker → engine → tasks + optim.`,
});

/** The rule for the files of `dir`: which of our layers they may not import, and which packages. */
const restrict = (dir, names, extra = [], { files = [`src/${dir}/**/*.{ts,tsx}`], ignores = [] } = {}) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns: [layer(...names), ...extra] }] },
});

const onlyTfjsCore = {
  group: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-*', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-converter'],
  message: 'optim imports only @tensorflow/tfjs-core.',
};

/** The page's main thread never loads tfjs: only the tfjs-free catalogues and settings of optim and tasks. */
const noTfjsOnMainThread = [
  { group: ['@tensorflow/*'], message: 'the page’s main thread does not load tfjs (it trains in workers).' },
  {
    regex:
      '^(\\.\\./)+(optim|tasks)(/index)?$|^(\\.\\./)+optim/(recipes|stepsizes(/(index|l4|rule|constant|polyak))?$|directions|kernels|apply|adapter|tensors|weightDecay)',
    message: 'loads tfjs on the page’s main thread: import the tfjs-free catalogue or settings instead.',
  },
];

const OTHERS_THAN_OPTIM = ['tasks', 'experiments', 'engine', 'worker', 'state', 'ui', 'teaching', 'cli', 'bench'];
const OPTIM_TESTS = ['src/optim/**/*.test.ts', 'src/optim/testing/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  // optim: tfjs-core and itself (its tests may use the union package, which registers gradients in Node).
  restrict('optim', OTHERS_THAN_OPTIM, [onlyTfjsCore], { ignores: OPTIM_TESTS }),
  restrict('optim', OTHERS_THAN_OPTIM, [], { files: OPTIM_TESTS }),
  restrict('lib', ['optim', 'tasks', 'experiments', 'engine', 'worker', 'state', 'ui', 'teaching', 'cli', 'bench']),
  restrict('tasks', ['experiments', 'engine', 'worker', 'state', 'ui', 'teaching', 'cli', 'bench']),
  // The paper's set-ups and line-ups: data over the catalogues, read by the page, the CLI and the benches.
  restrict('experiments', ['engine', 'worker', 'state', 'ui', 'teaching', 'cli', 'bench'], noTfjsOnMainThread),
  restrict('engine', ['experiments', 'worker', 'state', 'ui', 'teaching', 'cli', 'bench']),
  restrict('worker', ['state', 'ui', 'teaching', 'cli', 'bench']),
  restrict('cli', ['worker', 'state', 'ui', 'teaching', 'bench']),
  restrict('state', ['ui', 'teaching', 'cli', 'bench'], noTfjsOnMainThread, { ignores: ['src/state/**/*.test.ts'] }),
  restrict('state', ['ui', 'teaching', 'cli', 'bench'], [], { files: ['src/state/**/*.test.ts'] }),
  restrict('teaching', ['state', 'cli', 'bench'], noTfjsOnMainThread, { ignores: ['src/teaching/**/*.test.ts'] }),
  restrict('teaching', ['state', 'cli', 'bench'], [], { files: ['src/teaching/**/*.test.ts'] }),
  restrict('ui', ['teaching', 'cli', 'bench'], noTfjsOnMainThread, { ignores: ['src/ui/**/*.test.ts'] }),
);
