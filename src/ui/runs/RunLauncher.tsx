import { useState } from 'react';
import { useRuns } from '../../state/runs';
import type { BackendChoice } from '../../worker/protocol';

const TASKS = [
  ['functions-2d', 'Rosenbrock (2-D)', { fn: 'rosenbrock' }],
  ['regression', 'Badly conditioned regression (Fig. 2)', {}],
  ['mnist-mlp', 'MNIST MLP (Fig. 3)', {}],
] as const;
const OPTIMIZERS = [
  ['l4adam', 'L4Adam', {}],
  ['l4mom', 'L4Mom', {}],
  ['adam', 'Adam (lr 1e-3)', { learningRate: 1e-3 }],
  ['momentum', 'Momentum (lr 0.01)', { learningRate: 0.01 }],
  ['sgd', 'SGD (lr 1e-3)', { learningRate: 1e-3 }],
  ['rmsprop', 'RMSProp (lr 1e-3)', { learningRate: 1e-3 }],
] as const;

/** Starts a single run in its own worker. The full experiment builder comes with the lab-page issue. */
export function RunLauncher() {
  const startRun = useRuns((s) => s.startRun);
  const [task, setTask] = useState<string>('functions-2d');
  const [optimizer, setOptimizer] = useState<string>('l4adam');
  const [steps, setSteps] = useState('500');
  const [seed, setSeed] = useState('1');
  const [backend, setBackend] = useState<BackendChoice>('auto');
  const stepsN = Number(steps);
  const seedN = Number(seed);
  const error =
    !Number.isInteger(stepsN) || stepsN < 1
      ? 'Steps must be a whole number ≥ 1.'
      : !Number.isInteger(seedN)
        ? 'The seed must be a whole number.'
        : null;
  const start = () => {
    const t = TASKS.find((x) => x[0] === task)!;
    const o = OPTIMIZERS.find((x) => x[0] === optimizer)!;
    startRun({ task, taskSettings: { ...t[2] }, optimizer, optimizerOptions: { ...o[2] }, seed: seedN, steps: stepsN, backend });
  };
  return (
    <form
      data-testid="launcher"
      onSubmit={(e) => {
        e.preventDefault();
        if (!error) start();
      }}
    >
      <label>
        Task{' '}
        <select aria-label="task" value={task} onChange={(e) => setTask(e.target.value)}>
          {TASKS.map(([id, title]) => (
            <option key={id} value={id}>
              {title}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Optimizer{' '}
        <select aria-label="optimizer" value={optimizer} onChange={(e) => setOptimizer(e.target.value)}>
          {OPTIMIZERS.map(([id, title]) => (
            <option key={id} value={id}>
              {title}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Steps <input aria-label="steps" inputMode="numeric" size={7} value={steps} onChange={(e) => setSteps(e.target.value)} />
      </label>{' '}
      <label>
        Seed <input aria-label="seed" inputMode="numeric" size={4} value={seed} onChange={(e) => setSeed(e.target.value)} />
      </label>{' '}
      <label>
        Backend{' '}
        <select aria-label="backend" value={backend} onChange={(e) => setBackend(e.target.value as BackendChoice)}>
          {(['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const).map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="submit" disabled={error !== null}>
        Start
      </button>
      {error && (
        <p role="alert" data-testid="launcher.error">
          {error}
        </p>
      )}
    </form>
  );
}
