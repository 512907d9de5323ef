/**
 * The shipped benchmark's sweep (`lab benchmark`), as data: every task that runs without user data, L4, the
 * learning-rate-free peers, L4's successors and today's defaults at their defaults, Adam, momentum SGD and SGD tuned on
 * a log grid. Free of tfjs;
 * cli/benchmark.ts parses it as any sweep spec.
 */
import { L4_AT_DEFAULTS, LR_FREE_PEERS, SUCCESSORS } from './lineups';

/** `fashion`: include fashion-convnet (its data is Debian's dataset-fashion-mnist, which a machine may lack). */
export function benchmarkSweep({ seeds, fashion }: { seeds: number; fashion: boolean }) {
  return {
    kind: 'l4-lab-sweep',
    v: 1,
    name: 'benchmark',
    tasks: [
      { task: 'regression', steps: 2000 },
      ...(['rosenbrock', 'beale', 'quadratic', 'rastrigin'] as const).map((fn) => ({
        task: 'functions-2d',
        settings: { fn, noise: 0.1 },
        steps: 1000,
      })),
      { task: 'mnist-mlp', epochs: 1 },
      // AlgoPerf's MNIST workload, timed to its fixed target (test accuracy above 0.97) within half its step hint.
      { task: 'algoperf-mnist', epochs: 5 },
      { task: 'repeat-copy', steps: 300 },
      ...(fashion ? [{ task: 'fashion-convnet', steps: 300 }] : []),
    ],
    optimizers: [
      ...L4_AT_DEFAULTS.map(({ optimizer }) => ({ optimizer })),
      // Schedule-Free SGD has no default rate that fits every task; the tuned baselines stand in for it.
      ...LR_FREE_PEERS.filter((id) => id !== 'sf-sgd').map((optimizer) => ({ optimizer })),
      // L4's successors and today's defaults, L4 over Muon and Cautious Adam, each at its published defaults.
      ...[...SUCCESSORS, 'l4muon', 'c-adam'].map((optimizer) => ({ optimizer })),
      { optimizer: 'adam', grid: { learningRate: { log: [1e-4, 1e-1, 4] } } },
      { optimizer: 'momentum', grid: { learningRate: { log: [1e-4, 1, 5] } } },
      { optimizer: 'sgd', grid: { learningRate: { log: [1e-4, 1, 5] } } },
    ],
    seeds: { first: 1, count: seeds },
    backend: 'wasm',
  };
}
