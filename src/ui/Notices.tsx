import { useLab } from '../state/lab';
import { deleteSavedRuns } from '../state/persist';
import { useRuns } from '../state/runs';

/** What a link or an import had to change, in sentences, until dismissed. */
export function Notices() {
  const notices = useLab((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div role="status" className="notices" data-testid="notices">
      <ul>
        {notices.map((n, i) => (
          <li key={i}>{n}</li>
        ))}
      </ul>
      {notices.some((n) => n.includes('storage for this site is full')) && (
        <button
          type="button"
          onClick={() => {
            useRuns.getState().removeAll();
            void deleteSavedRuns().then(() => useLab.getState().dismissNotices());
          }}
        >
          Delete saved runs
        </button>
      )}{' '}
      <button type="button" onClick={() => useLab.getState().dismissNotices()}>
        Dismiss
      </button>
    </div>
  );
}
