import { useEffect, useState } from 'react';
import { optimizerSpec, optimizerTitle } from '../../optim/catalogue';
import { isChoice, type ParamSpec } from '../../lib/settings';
import { branchRun, checkpointBefore, useCheckpoints } from '../../state/branches';
import { useRuns } from '../../state/runs';
import { ParamInput } from '../controls/ParamInput';
import { useBranchPick } from './branchPick';

/**
 * Branch a run: pick a step, change hyperparameters, and a new run continues from the checkpoint nearest before
 * that step ("what if α had been 0.25 from step 2000?"). The checkpoint's step is said before it starts.
 */
export function BranchPanel({ runId, onClose }: { runId: string; onClose(): void }) {
  const run = useRuns((s) => s.runs[runId]);
  const steps = useCheckpoints((s) => s.steps[runId]) ?? [];
  const [stepText, setStepText] = useState(String(steps.at(-1) ?? 0));
  const [untilText, setUntilText] = useState(String(run?.config.steps ?? ''));
  const [changes, setChanges] = useState<Record<string, number>>({});
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<string | null>(null);
  // A step picked by clicking a chart.
  const picked = useBranchPick((s) => s.picked);
  useEffect(() => {
    if (picked) setStepText(String(picked.step));
  }, [picked]);
  if (!run) return null;
  const spec = optimizerSpec(run.config.optimizer);
  const step = Number(stepText);
  const valid = stepText.trim() !== '' && Number.isInteger(step) && step >= 0;
  const from = valid ? checkpointBefore(runId, step)?.step : undefined;
  return (
    <section className="branch" aria-labelledby="branch-h" data-testid="branch">
      <h3 id="branch-h">
        Branch run {runId} ({optimizerTitle(run.config.optimizer)})
      </h3>
      <p>
        <label>
          at step{' '}
          <input aria-label="branch step" inputMode="numeric" size={8} value={stepText} onChange={(e) => setStepText(e.target.value)} />
        </label>{' '}
        <span data-testid="branch.from">
          {!valid
            ? 'the step must be a whole number ≥ 0'
            : from === undefined
              ? `no checkpoint at or before step ${step}`
              : `continues from the checkpoint at step ${from}${from !== step ? ` (the nearest before ${step})` : ''}`}
        </span>{' '}
        <small>
          (checkpoints kept in this visit: steps {steps.join(', ') || 'none yet'}; or click a chart at a step, with the x-axis in steps or
          epochs)
        </small>
      </p>
      <p className="row">
        {spec?.settings
          .filter((s): s is ParamSpec => !isChoice(s))
          .map((s) => {
            const current = changes[s.key] ?? (run.config.optimizerOptions[s.key] as number | undefined) ?? s.default;
            return (
              <ParamInput
                key={s.key}
                spec={s}
                value={current}
                context="the branch"
                onChange={(v) => setChanges((c) => ({ ...c, [s.key]: v }))}
              />
            );
          })}
      </p>
      <p className="row">
        <label>
          until step{' '}
          <input
            aria-label="branch until step"
            inputMode="numeric"
            size={8}
            value={untilText}
            onChange={(e) => setUntilText(e.target.value)}
          />
        </label>{' '}
        <button
          type="button"
          onClick={() => {
            setError(null);
            try {
              const until = untilText.trim() === '' ? undefined : Number(untilText);
              const r = branchRun(runId, valid ? step : NaN, changes, until);
              setStarted(`Started ${r.id} from step ${r.start}.`);
            } catch (e) {
              setError((e as Error).message);
            }
          }}
        >
          Start branch
        </button>{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>{' '}
        {started && <span data-testid="branch.started">{started}</span>}
        {error && (
          <span role="alert" className="error" data-testid="branch.error">
            {error}
          </span>
        )}
      </p>
    </section>
  );
}
