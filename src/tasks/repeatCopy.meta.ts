import { choiceSpec, paramSpec } from '../lib/settings';
import { defineTask } from './spec';

const count = (key: string, label: string, def: number, advanced = false, help?: string) =>
  paramSpec(key, label, label, def, 1, 1000, { minOpen: false, integer: true, log: false, advanced, ...(help ? { help } : {}) });

/** deepmind/dnc's train.py defaults (dnc-spec.md §3); the paper ran them (Sec. 3.4, Fig. 6). */
export const repeatCopyInfo = defineTask({
  id: 'repeat-copy',
  title: 'Repeat-copy with a DNC memory controller (Sec. 3.4, Fig. 6)',
  shortTitle: 'Repeat-copy DNC (Fig. 6)',
  settings: [
    choiceSpec('controller', 'controller', ['dnc', 'lstm'], {
      labels: { lstm: 'LSTM' },
      help: 'dnc: deepmind/dnc’s Differentiable Neural Computer (the paper’s model); lstm: an LSTM with a linear read-out, no memory (cheap)',
    }),
    count('bits', 'bits', 4),
    count('minLength', 'min length', 1, true),
    count('maxLength', 'max length', 2),
    count('minRepeats', 'min repeats', 1, true),
    count('maxRepeats', 'max repeats', 2),
    paramSpec('normMax', 'repeat normaliser', 'norm_max', 10, 0, 1e6, {
      minOpen: true,
      log: false,
      advanced: true,
      help: 'the repeat-count channel carries repeats / normMax (deepmind’s norm_max)',
    }),
    count('batchSize', 'batch size', 16),
    count('hidden', 'hidden units', 64, true),
    count('memorySize', 'memory slots', 16, true, 'DNC only'),
    count('wordSize', 'word size', 16, true, 'DNC only'),
    count('readHeads', 'read heads', 4, true, 'DNC only'),
    count('writeHeads', 'write heads', 1, true, 'DNC only'),
    paramSpec('clipValue', 'clip value', 'clip', 20, 0, 1e6, {
      minOpen: false,
      log: false,
      advanced: true,
      help: 'DNC only: h, c and the logits are clipped to ±clip (0: off)',
    }),
  ],
  dataset: null,
  defaultSteps: 2000,
  memoryMB: 80,
  paperAdamLr: 0.01,
  hasTest: false,
});
