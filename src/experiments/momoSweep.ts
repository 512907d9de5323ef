/**
 * `lab reproduce momo-sweep`, as data: fabian-sp/step-back's MNIST-MLP sweep (stepback/records/mnist_mlp.csv,
 * configs/mnist_mlp.json: 784-100-100-10 ReLU, batch 128, 10 epochs, 3 runs, constant rate), its published test
 * accuracies after epoch 10, and the same grids for L4Adam and L4Mom over α. Free of tfjs.
 */

/** One row of the sweep: an optimizer over a grid of one setting, and the published accuracies (null: not run, NaN: diverged). */
export interface MomoSweepRow {
  readonly name: string;
  readonly optimizer: string;
  readonly options: Readonly<Record<string, number | string>>;
  /** The setting the grid runs over, as the table shows it. */
  readonly key: 'learningRate' | 'alpha';
  readonly grid: readonly number[];
  /** The lab's value for a grid point (SGD-M with dampening β is heavy-ball momentum at (1 − β)·lr). */
  readonly toLab?: (x: number) => number;
  readonly published?: Readonly<Record<string, number | null>>;
}

export const MOMO_SWEEP_TASK = 'stepback-mnist';
export const MOMO_SWEEP_EPOCHS = 10;
export const MOMO_SWEEP_SEEDS = 3;

const LRS = [1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100, 1000] as const;
const published = (values: readonly (number | null)[]): Record<string, number | null> =>
  Object.fromEntries(LRS.map((lr, i) => [String(lr), values[i]!]));

/**
 * The rows: Adam and MoMo-Adam, SGD-M (β 0.9, dampening 0.9) and MoMo over the published learning rates, L4Adam and
 * L4Mom over α from 1e-3 to 10. Adam runs with PyTorch's ε (1e-8), as step-back ran it.
 */
export const MOMO_SWEEP: readonly MomoSweepRow[] = [
  {
    name: 'Adam',
    optimizer: 'adam',
    options: { epsilon: 1e-8 },
    key: 'learningRate',
    grid: [1e-4, 1e-3, 1e-2, 0.1, 1, 10],
    published: published([0.96, 0.978, 0.965, 0.1, 0.1, 0.099, null, null]),
  },
  {
    name: 'MoMo-Adam',
    optimizer: 'momo-adam',
    options: {},
    key: 'learningRate',
    grid: [1e-4, 1e-3, 1e-2, 0.1, 1, 10],
    published: published([0.96, 0.979, 0.98, 0.98, 0.98, 0.98, null, null]),
  },
  {
    name: 'SGD-M (β 0.9, dampening 0.9)',
    optimizer: 'momentum',
    options: { momentum: 0.9 },
    key: 'learningRate',
    grid: [1e-3, 1e-2, 0.1, 1, 10, 100],
    toLab: (lr) => Number((0.1 * lr).toPrecision(12)),
    published: published([null, 0.871, 0.947, 0.977, 0.971, NaN, NaN, null]),
  },
  {
    name: 'MoMo',
    optimizer: 'momo',
    options: {},
    key: 'learningRate',
    grid: [1e-3, 1e-2, 0.1, 1, 10, 100, 1000],
    published: published([null, 0.871, 0.947, 0.977, 0.98, 0.979, 0.979, 0.979]),
  },
  { name: 'L4Adam', optimizer: 'l4adam', options: {}, key: 'alpha', grid: [1e-3, 1e-2, 0.1, 1, 10] },
  { name: 'L4Mom', optimizer: 'l4mom', options: {}, key: 'alpha', grid: [1e-3, 1e-2, 0.1, 1, 10] },
];

/** The sweep spec (src/cli/sweep/spec.ts's format): one entry per row and grid point, so each keeps its own name. */
export function momoSweepSpec({ seeds = MOMO_SWEEP_SEEDS, epochs = MOMO_SWEEP_EPOCHS } = {}) {
  return {
    kind: 'l4-lab-sweep',
    v: 1,
    name: 'momo-sweep',
    tasks: [{ task: MOMO_SWEEP_TASK, epochs }],
    optimizers: MOMO_SWEEP.map((row) => ({
      optimizer: row.optimizer,
      options: { ...row.options },
      grid: { [row.key]: row.grid.map((x) => row.toLab?.(x) ?? x) },
    })),
    seeds: { first: 1, count: seeds },
    backend: 'wasm',
  };
}
