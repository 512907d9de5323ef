import { numericSetting } from '../../optim/catalogue';
import { L4_SETTINGS } from '../../optim/stepsizes/l4.meta';
import { checkParam, type ParamSpec } from '../../lib/settings';
import { ParamInput } from '../controls/ParamInput';
import type { Hideable } from './classroom';
import { FUNCTIONS_1D, type Fn1D, type Step1dSettings } from './step1d';

// The same settings, with the same domains, as the lab's optimizers (their specs, read through the catalogue).
const setting = (list: readonly ParamSpec[], key: string) => list.find((s) => s.key === key)!;
const ALPHA = setting(L4_SETTINGS, 'alpha');
const GAMMA = setting(L4_SETTINGS, 'gamma');
const TAU = setting(L4_SETTINGS, 'tau');
const FSTAR = numericSetting('polyak', 'fStar');
const LR = numericSetting('sgd', 'learningRate');

interface Props {
  settings: Step1dSettings;
  steps: number;
  hidden: (k: Hideable) => boolean;
  /** A change of the function or the rule: the explainer starts afresh. */
  restart: (settings: Step1dSettings) => void;
  set: (patch: Partial<Step1dSettings>) => void;
  takeSteps: (n: number) => void;
  reset: () => void;
}

/** The 1-D explainer's controls: function, rule, the rule's settings, Step / Run 10 / Reset. */
export function TeachControls({ settings, steps, hidden, restart, set, takeSteps, reset }: Props) {
  const rule = settings.rule;
  return (
    <section aria-label="controls" className="teach-controls row">
      {!hidden('function') && (
        <label>
          Function{' '}
          <select aria-label="function" value={settings.fn} onChange={(e) => restart({ ...settings, fn: e.target.value as Fn1D })}>
            {(Object.keys(FUNCTIONS_1D) as Fn1D[]).map((f) => (
              <option key={f} value={f}>
                {FUNCTIONS_1D[f].title}
              </option>
            ))}
          </select>
        </label>
      )}{' '}
      {!hidden('rule') && (
        <label>
          Rule{' '}
          <select aria-label="rule" value={rule} onChange={(e) => restart({ ...settings, rule: e.target.value as Step1dSettings['rule'] })}>
            <option value="l4">L4 (target γ·L_min)</option>
            <option value="polyak">Polyak (known f*)</option>
            <option value="sgd">SGD (constant rate)</option>
          </select>
        </label>
      )}{' '}
      {rule !== 'sgd' && !hidden('alpha') && (
        <ParamInput context="explainer" spec={ALPHA} value={settings.alpha} onChange={(alpha) => set({ alpha })} />
      )}
      {rule === 'l4' && !hidden('gamma') && (
        <ParamInput context="explainer" spec={GAMMA} value={settings.gamma} onChange={(gamma) => set({ gamma })} />
      )}
      {rule === 'l4' && !hidden('tau') && (
        <ParamInput context="explainer" spec={TAU} value={settings.tau} onChange={(tau) => set({ tau })} />
      )}
      {rule === 'polyak' && !hidden('fstar') && (
        <ParamInput context="explainer" spec={FSTAR} value={settings.fStar} onChange={(fStar) => set({ fStar })} />
      )}
      {rule === 'sgd' && <ParamInput context="explainer" spec={LR} value={settings.lr} onChange={(lr) => set({ lr })} />}
      <p className="row">
        <button type="button" className="primary" onClick={() => takeSteps(1)}>
          Step
        </button>{' '}
        <button type="button" onClick={() => takeSteps(10)}>
          Run 10 steps
        </button>{' '}
        <button type="button" onClick={reset}>
          Reset
        </button>{' '}
        <span data-testid="steps-taken">{steps} steps taken</span>
        {checkParam(ALPHA, settings.alpha) === null && rule === 'l4' && settings.alpha > 1 && (
          <small> (α above 1 overshoots the linearised target)</small>
        )}
      </p>
    </section>
  );
}
