import type { XMode } from './chartData';

export interface ChartSettings {
  xMode: XMode;
  logX: boolean;
  smoothing: number;
  ignoreOutliers: boolean;
  paused: boolean;
}

interface Props {
  value: ChartSettings;
  onChange: (patch: Partial<ChartSettings>) => void;
  /** The run specs that may be paired, and the pair shown (null: fewer than two). */
  ids: readonly string[];
  pair: [string, string] | null;
  onPair: (pair: [string, string]) => void;
}

/** The charts' options: x-axis, log x, smoothing, outliers, the paired difference's two runs, pause. */
export function ChartOptions({ value, onChange, ids, pair, onPair }: Props) {
  const choose = (side: 'A' | 'B', pair: [string, string]) => (
    <select
      aria-label={`paired difference ${side}`}
      value={side === 'A' ? pair[0] : pair[1]}
      onChange={(e) => {
        const v = e.target.value;
        // Picking the other one of the pair on either side swaps them.
        if (side === 'A') onPair(v === pair[1] ? [pair[1], pair[0]] : [v, pair[1]]);
        else onPair(v === pair[0] ? [pair[1], pair[0]] : [pair[0], v]);
      }}
    >
      {ids.map((id) => (
        <option key={id}>{id}</option>
      ))}
    </select>
  );
  return (
    <p className="chart-options row">
      <label>
        x-axis{' '}
        <select aria-label="x-axis" value={value.xMode} onChange={(e) => onChange({ xMode: e.target.value as XMode })}>
          <option value="step">step</option>
          <option value="epoch">epoch</option>
          <option value="time">wall time</option>
        </select>
      </label>{' '}
      <label>
        <input type="checkbox" checked={value.logX} onChange={(e) => onChange({ logX: e.target.checked })} aria-label="log x-axis" /> log x
      </label>{' '}
      <label>
        smoothing{' '}
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={value.smoothing}
          aria-label="smoothing"
          onChange={(e) => onChange({ smoothing: Number(e.target.value) })}
        />
      </label>{' '}
      <label>
        <input
          type="checkbox"
          checked={value.ignoreOutliers}
          onChange={(e) => onChange({ ignoreOutliers: e.target.checked })}
          aria-label="ignore outliers"
        />{' '}
        ignore outliers
      </label>{' '}
      {pair && (
        <>
          <label>paired difference {choose('A', pair)}</label> <label>vs {choose('B', pair)}</label>{' '}
        </>
      )}
      <label title="Freeze the charts (to read them while runs go on); training is not paused">
        <input type="checkbox" checked={value.paused} onChange={(e) => onChange({ paused: e.target.checked })} aria-label="pause charts" />{' '}
        pause charts
      </label>
    </p>
  );
}
