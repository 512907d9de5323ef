import { paramSpec } from '../lib/settings';
import { defineTask } from './spec';

export const regressionInfo = defineTask({
  id: 'regression',
  title: 'Badly conditioned deep linear regression (Sec. 3.1, Fig. 2)',
  shortTitle: 'Badly conditioned regression (Fig. 2)',
  settings: [
    paramSpec('kappa', 'condition number', 'κ', 1e10, 1, Infinity, { minOpen: false }),
    paramSpec('samples', 'samples', 'N', 1000, 1, 1e6, { minOpen: false, integer: true, advanced: true }),
  ],
  dataset: null,
  defaultSteps: 3000,
  memoryMB: 40,
  paperAdamLr: 1e-3,
  hasTest: false,
});
