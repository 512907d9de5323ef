/**
 * The paper's set-ups, written once: the task, its settings and the line-up of each figure and table, with the
 * length and seeds the page's preset runs (quick, in a browser) and the ones `lab reproduce` runs by default.
 * Free of tfjs: the page's presets, `lab reproduce` and the tests map over it.
 */
import type { LineupEntry } from './lineups';

export interface PaperEntry extends LineupEntry {
  /**
   * The rates `lab reproduce` tries around the paper's best (the entry's own rate); it reports the best of them,
   * as the paper tuned its baselines. The page runs the entry's rate.
   */
  readonly grid?: readonly number[];
}

export type PaperSetupId = 'fig2' | 'fig3' | 'table2' | 'fig6';

export interface PaperSetup {
  readonly id: PaperSetupId;
  /** The preset's title on the page. */
  readonly title: string;
  readonly task: string;
  readonly taskSettings: Readonly<Record<string, number | string>>;
  /** In the paper's order. Every Adam here is TensorFlow's (ε before the bias correction), as the paper ran it. */
  readonly lineup: readonly PaperEntry[];
  /** The page's preset: few seeds and steps, to watch in a browser. */
  readonly page: { readonly seeds: number; readonly steps: number };
  /** `lab reproduce`'s defaults (`--seeds`, `--steps`, `--epochs` change them). */
  readonly reproduce: { readonly seeds: number; readonly steps?: number; readonly epochs?: number };
}

const TF_ADAM = { epsilonForm: 'tensorflow' } as const;
/** Fig. 6's baselines clip their gradients to a global norm of 50, as the DNC's train.py does. */
const CLIP = { clipNorm: 50 } as const;

export const PAPER_SETUPS: { readonly [K in PaperSetupId]: PaperSetup & { readonly id: K } } = {
  fig2: {
    id: 'fig2',
    title: 'Fig. 2: badly conditioned regression',
    task: 'regression',
    taskSettings: { kappa: 1e10 },
    lineup: [
      { optimizer: 'l4adam', options: { alpha: 0.25 } },
      { optimizer: 'l4mom', options: { alpha: 0.25 } },
      { optimizer: 'l4adam', options: {} },
      { optimizer: 'l4mom', options: {} },
      { optimizer: 'sgd', options: { learningRate: 4e-5 }, grid: [1e-5, 2e-5, 4e-5, 8e-5, 1.6e-4] },
      { optimizer: 'adam', options: { learningRate: 1e-3, ...TF_ADAM }, grid: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2] },
    ],
    page: { seeds: 3, steps: 3000 },
    reproduce: { seeds: 3, steps: 3000 },
  },
  fig3: {
    id: 'fig3',
    title: 'Fig. 3: MNIST MLP, training loss and η',
    task: 'mnist-mlp',
    taskSettings: { batchSize: 64 },
    lineup: [
      { optimizer: 'l4adam', options: {} },
      { optimizer: 'l4mom', options: {} },
      { optimizer: 'adam', options: { learningRate: 1e-3, ...TF_ADAM } },
      { optimizer: 'momentum', options: { learningRate: 0.05 } },
    ],
    page: { seeds: 2, steps: 937 },
    reproduce: { seeds: 2, epochs: 2 },
  },
  table2: {
    id: 'table2',
    title: 'Table 2: MNIST test accuracy after 1 epoch',
    task: 'mnist-mlp',
    taskSettings: { batchSize: 64 },
    lineup: [
      { optimizer: 'adam', options: { learningRate: 1e-3, ...TF_ADAM } },
      { optimizer: 'momentum', options: { learningRate: 0.05 } },
      { optimizer: 'l4adam', options: {} },
      { optimizer: 'l4mom', options: {} },
    ],
    page: { seeds: 5, steps: 937 },
    reproduce: { seeds: 5, epochs: 1 },
  },
  fig6: {
    id: 'fig6',
    title: 'Fig. 6: repeat-copy',
    task: 'repeat-copy',
    taskSettings: {},
    lineup: [
      { optimizer: 'l4adam', options: {} },
      { optimizer: 'l4mom', options: {} },
      { optimizer: 'rmsprop', options: { learningRate: 0.005, form: 'tf1', epsilon: 1e-10, ...CLIP } },
      { optimizer: 'adam', options: { learningRate: 0.01, ...TF_ADAM, ...CLIP } },
      { optimizer: 'momentum', options: { learningRate: 1.2, ...CLIP } },
    ],
    page: { seeds: 3, steps: 3000 },
    reproduce: { seeds: 5, steps: 1000 },
  },
};
