import { paramSpec } from '../optim/settings';
import { defineTask } from './spec';

const count = (key: string, label: string, def: number, advanced = false) =>
  paramSpec(key, label, label, def, 1, 1000, { minOpen: false, integer: true, log: false, advanced });

export const repeatCopyInfo = defineTask({
  id: 'repeat-copy',
  title: 'Repeat-copy with an LSTM controller (Sec. 3.4, Fig. 6)',
  shortTitle: 'Repeat-copy LSTM (Fig. 6)',
  settings: [
    count('bits', 'bits', 4),
    count('minLength', 'min length', 1, true),
    count('maxLength', 'max length', 2),
    count('minRepeats', 'min repeats', 1, true),
    count('maxRepeats', 'max repeats', 2),
    count('batchSize', 'batch size', 16),
    count('hidden', 'hidden units', 64, true),
  ],
  dataset: null,
  defaultSteps: 2000,
  memoryMB: 50,
  paperAdamLr: 0.01,
  hasTest: false,
});
