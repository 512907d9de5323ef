import { useEffect, useId, useState } from 'react';
import { checkParam, isChoice, type ParamSpec, type SettingSpec } from '../../lib/settings';

const toSlider = (spec: ParamSpec, v: number) => {
  const [lo, hi] = spec.slider!;
  return spec.log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
};
const fromSlider = (spec: ParamSpec, t: number) => {
  const [lo, hi] = spec.slider!;
  const v = spec.log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
  return Number(v.toPrecision(3));
};

/**
 * A number field for one hyperparameter, labelled with its name in words and its symbol. Invalid input
 * (out of range, NaN, text) is refused at the control with a message, and nothing is changed. Parameters
 * with a live range also get a slider, which applies to running runs from their next step.
 */
export function ParamInput({
  spec,
  value,
  onChange,
  context,
}: {
  spec: ParamSpec;
  value: number;
  onChange(v: number): void;
  context: string;
}) {
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    setText(String(value));
    setError(null);
  }, [value]);
  const commit = (raw: string) => {
    setText(raw);
    const v = raw.trim() === '' ? NaN : Number(raw);
    const problem = checkParam(spec, v);
    setError(problem);
    if (!problem) onChange(v);
  };
  return (
    <span className="param">
      <label htmlFor={id}>
        {spec.symbol}
        <span className="sr-only"> ({spec.label})</span>
      </label>{' '}
      <input
        id={id}
        aria-label={`${spec.label} of ${context}`}
        data-testid={`param.${context}.${spec.key}`}
        inputMode="decimal"
        size={8}
        value={text}
        aria-invalid={error !== null}
        onChange={(e) => commit(e.target.value)}
      />
      {spec.slider && (
        <input
          type="range"
          aria-label={`${spec.label} slider of ${context}`}
          min={0}
          max={1}
          step={0.001}
          value={Math.min(1, Math.max(0, toSlider(spec, error ? spec.default : value)))}
          onChange={(e) => commit(String(fromSlider(spec, Number(e.target.value))))}
        />
      )}
      {error && (
        <span role="alert" className="error" data-testid={`param.${context}.${spec.key}.error`}>
          {error}
        </span>
      )}
    </span>
  );
}

/**
 * Any setting of a spec: a number field (`ParamInput`) or, for a choice of forms, a select. An absent value shows
 * the default.
 */
export function SettingInput({
  spec,
  value,
  onChange,
  context,
}: {
  spec: SettingSpec;
  value: number | string | boolean | undefined;
  onChange(v: number | string): void;
  context: string;
}) {
  if (!isChoice(spec)) return <ParamInput spec={spec} value={Number(value ?? spec.default)} onChange={onChange} context={context} />;
  return (
    <label>
      {spec.label}{' '}
      <select
        aria-label={context === 'task' ? spec.label : `${spec.label} of ${context}`}
        value={String(value ?? spec.default)}
        onChange={(ev) => onChange(ev.target.value)}
      >
        {spec.choices.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>{' '}
    </label>
  );
}
