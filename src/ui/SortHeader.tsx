/**
 * What the tables' ms/step is, in its header's title: wall time, which runs training at the same time share, so
 * that side by side it is not read as the optimizers' relative cost.
 */
export const MS_PER_STEP_TITLE =
  'training wall time per step (evaluations left out), over the latest report; runs that train at the same time share the cores, so compare speeds between runs trained one at a time (runs: finish one at a time) or with npm run bench';

/** Which column a table is sorted by, and which way. */
export interface SortState<C extends string> {
  readonly by: C;
  readonly down: boolean;
}

/** A sortable column's header: a button that sorts by it (again: the other way), its state said to assistive tech. */
export function SortHeader<C extends string>({
  column,
  label,
  title,
  sort,
  onSort,
}: {
  column: C;
  label: string;
  title?: string;
  sort: SortState<C>;
  onSort(s: SortState<C>): void;
}) {
  const on = sort.by === column;
  return (
    <th scope="col" aria-sort={on ? (sort.down ? 'descending' : 'ascending') : 'none'} title={title}>
      {/* Named "Sort by …": a column called "Step" must not share its name with the Step button. */}
      <button
        type="button"
        className="sort"
        aria-label={`Sort by ${label}`}
        onClick={() => onSort({ by: column, down: on ? !sort.down : false })}
      >
        {label}
        {on ? (sort.down ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
}

/** Compares two sort values: numbers by value, text alphabetically, missing (NaN, null) last either way. */
export function compareValues(a: number | string | null, b: number | string | null, down: boolean): number {
  const missing = (v: number | string | null) => v === null || (typeof v === 'number' && Number.isNaN(v));
  if (missing(a) || missing(b)) return missing(a) === missing(b) ? 0 : missing(a) ? 1 : -1;
  const d = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true });
  return down ? -d : d;
}
