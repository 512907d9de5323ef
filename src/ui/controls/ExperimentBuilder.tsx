import { useEffect, useState } from 'react';
import { optimizerSpec, optimizerSpecs, shownSettings } from '../../optim/catalogue';
import { PRESETS } from '../../state/experiment';
import { taskSpec, taskSpecs } from '../../tasks/catalogue';
import { droppableDatasets } from '../../tasks/data/catalogue';
import { useLab } from '../../state/lab';
import { useRuns } from '../../state/runs';
import { colorOf } from '../charts/colors';
import { DatasetDrop } from './DatasetDrop';
import { SettingInput } from './ParamInput';

/** A whole number in a range, refused at the control with a message when it is not. */
function IntField({
  label,
  value,
  min,
  max,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange(v: number): void;
}) {
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  // A preset, a link or an import changes the value from outside: show it (it used to keep the old text).
  useEffect(() => {
    setText(String(value));
    setError(null);
  }, [value]);
  return (
    <label>
      {label[0]!.toUpperCase() + label.slice(1)}{' '}
      <input
        aria-label={label}
        inputMode="numeric"
        size={8}
        value={text}
        aria-invalid={error !== null}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          const ok = e.target.value.trim() !== '' && Number.isInteger(v) && v >= min && v <= max;
          setError(ok ? null : `${label} must be a whole number from ${min} to ${max}.`);
          if (ok) onChange(v);
        }}
      />
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </label>
  );
}

/** Task, runs to compare (optimizer + hyperparameters), seeds, budget and presets. */
/**
 * The settings a run was given that the builder does not show (a preset's or a link's advanced ones: Adam's β's,
 * its Nesterov form), so that what will train is all on screen.
 */
function HiddenSettings({ optimizer, options, id }: { optimizer: string; options: Readonly<Record<string, number | string>>; id: string }) {
  const shown = new Set(shownSettings(optimizer).map((s) => s.key));
  const hidden = (optimizerSpec(optimizer)?.settings ?? []).filter((s) => !shown.has(s.key) && options[s.key] !== undefined);
  if (hidden.length === 0) return null;
  return (
    <span className="why" data-testid={`spec.${id}.hidden`}>
      {' '}
      also set: {hidden.map((s) => `${'symbol' in s ? s.symbol : s.label} ${String(options[s.key])}`).join(', ')}
    </span>
  );
}

export function ExperimentBuilder() {
  const e = useLab((s) => s.experiment);
  const dataset = taskSpec(e.task)?.dataset;
  const droppable = dataset ? droppableDatasets().find((d) => d.id === dataset) : undefined;
  const lab = useLab.getState();
  const training = useRuns((s) => s.order.some((id) => ['running', 'paused', 'starting'].includes(s.runs[id]!.status)));
  return (
    <section aria-labelledby="builder-h" data-testid="builder">
      <h2 id="builder-h">Experiment</h2>
      <p className="row">
        Presets:{' '}
        {Object.entries(PRESETS).map(([key, p]) => (
          <button key={key} type="button" onClick={() => lab.loadPreset(key as keyof typeof PRESETS)} title={p.title}>
            {p.title.split(':')[0]}
          </button>
        ))}
      </p>
      <p className="row">
        <label>
          Task{' '}
          <select
            aria-label="task"
            value={e.task}
            onChange={(ev) => {
              const task = ev.target.value;
              const settings = taskSpec(task)?.settings.filter((s) => !s.advanced && !s.optional) ?? [];
              lab.update({ task, taskSettings: Object.fromEntries(settings.map((s) => [s.key, s.default])) });
            }}
          >
            {taskSpecs().map((t) => (
              <option key={t.id} value={t.id}>
                {t.shortTitle}
              </option>
            ))}
          </select>
        </label>{' '}
        {(taskSpec(e.task)?.settings ?? [])
          .filter((s) => !s.advanced)
          .map((s) => (
            <SettingInput
              key={`${e.task}.${s.key}`}
              context="task"
              spec={s}
              value={e.taskSettings[s.key]}
              onChange={(v) => lab.update({ taskSettings: { ...e.taskSettings, [s.key]: v } })}
            />
          ))}
      </p>
      {/* A task whose data the user may supply (its dataset's spec says so) gets a drop zone for the files. */}
      {droppable && <DatasetDrop spec={droppable} />}
      {training && (
        <p className="why" data-testid="live-note">
          While runs train, a change to a live setting (α, γ, τ, a learning rate: those with a slider) applies to the runs of its spec that
          are training from their next step, and is recorded with that step; seeds still queued keep the values they were started with.
          Other changes apply from the next Start.
        </p>
      )}
      <ul className="runs-spec">
        {e.runs.map((r, i) => (
          <li key={r.id} className="row" data-testid={`spec.${r.id}`}>
            <span className="swatch" style={{ background: colorOf(i) }} aria-hidden="true" /> Run {r.id}:{' '}
            <select
              aria-label={`optimizer of run ${r.id}`}
              value={r.optimizer}
              onChange={(ev) => lab.setRunOptimizer(r.id, ev.target.value)}
            >
              {optimizerSpecs().map((o) => (
                <option key={o.id} value={o.id}>
                  {o.title}
                </option>
              ))}
            </select>{' '}
            {shownSettings(r.optimizer).map((spec) => (
              <SettingInput
                key={spec.key}
                context={`run ${r.id}`}
                spec={spec}
                value={r.options[spec.key]}
                onChange={(v) => lab.setRunOption(r.id, spec.key, v)}
              />
            ))}{' '}
            <button type="button" onClick={() => lab.removeRunSpec(r.id)} disabled={e.runs.length <= 1} aria-label={`Remove run ${r.id}`}>
              Remove
            </button>
            <HiddenSettings optimizer={r.optimizer} options={r.options} id={r.id} />
          </li>
        ))}
      </ul>
      <p className="row">
        <button type="button" onClick={() => lab.addRun('adam')} disabled={e.runs.length >= 8}>
          Add run
        </button>{' '}
        <IntField label="seed" value={e.seed} min={-1e9} max={1e9} onChange={(seed) => lab.update({ seed })} />{' '}
        <IntField label="seeds" value={e.seeds} min={1} max={10} onChange={(seeds) => lab.update({ seeds })} />{' '}
        <IntField label="steps" value={e.steps} min={1} max={1_000_000} onChange={(steps) => lab.update({ steps })} />{' '}
        <label>
          Backend{' '}
          <select aria-label="backend" value={e.backend} onChange={(ev) => lab.update({ backend: ev.target.value as typeof e.backend })}>
            {(['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const).map((b) => (
              <option key={b}>{b}</option>
            ))}
          </select>
        </label>{' '}
        <label title="Per step, the loss decrease the linearisation predicted for the step taken against the decrease measured on the same batch; one extra forward pass per step">
          <input
            type="checkbox"
            aria-label="step quality"
            checked={e.stepQuality === true}
            onChange={(ev) => {
              const { stepQuality: _off, ...rest } = e;
              lab.setExperiment(ev.target.checked ? { ...rest, stepQuality: true } : rest);
            }}
          />{' '}
          step quality (one extra forward pass per step)
        </label>
      </p>
    </section>
  );
}
