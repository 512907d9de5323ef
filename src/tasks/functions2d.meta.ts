import { choiceSpec, paramSpec } from '../lib/settings';
import { defineTask } from './spec';

const coord = (key: string) =>
  paramSpec(key, `start ${key[0]}`, key, 0, -Infinity, Infinity, { log: false, optional: true, advanced: true });

export const functions2dInfo = defineTask({
  id: 'functions-2d',
  title: '2-D test functions (Rosenbrock, Beale, quadratic, Rastrigin)',
  shortTitle: '2-D functions',
  settings: [
    choiceSpec('fn', 'function', ['rosenbrock', 'beale', 'quadratic', 'rastrigin']),
    paramSpec('kappa', 'condition number', 'κ', 100, 0, Infinity, { help: 'the quadratic’s condition number' }),
    paramSpec('noise', 'noise', 'σ', 0, 0, Infinity, {
      minOpen: false,
      log: false,
      help: 'σ of the perturbation of each evaluation point',
    }),
    coord('x0'),
    coord('y0'),
  ],
  dataset: null,
  defaultSteps: 2000,
  memoryMB: 40,
  hasTest: false,
});
