import { useLab } from '../state/lab';

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
      <button type="button" onClick={() => useLab.getState().dismissNotices()}>
        Dismiss
      </button>
    </div>
  );
}
