import { specName, type ShownSpecView } from './chartData';
import { textColorOf } from './colors';

/** The legend: each run spec's colour and name, with a box that shows or hides its curves. */
export function ChartLegend({
  specs,
  hidden,
  onHidden,
}: {
  specs: readonly ShownSpecView[];
  hidden: ReadonlySet<string>;
  onHidden: (h: ReadonlySet<string>) => void;
}) {
  return (
    <p className="legend" aria-label="legend">
      {specs.map((rs, i) => (
        <label key={rs.id} style={{ color: textColorOf(i) }}>
          <input
            type="checkbox"
            aria-label={`show run ${rs.id}`}
            checked={!hidden.has(rs.id)}
            onChange={(e) => {
              const next = new Set(hidden);
              if (e.target.checked) next.delete(rs.id);
              else next.add(rs.id);
              onHidden(next);
            }}
          />{' '}
          {rs.id}: {specName(rs)}
          {rs.changes && (
            <small className="why" data-testid={`legend.${rs.id}.changes`}>
              {' '}
              (live: {rs.changes})
            </small>
          )}
        </label>
      ))}
    </p>
  );
}
