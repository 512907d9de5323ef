import { useEffect, useState } from 'react';
import { saveFile } from '../../lib/download';
import { deleteFromHistory, historyBundle, MAX_HISTORY, overlay, removeOverlay, reopen, setAside, useHistory } from '../../state/history';
import { useLab } from '../../state/lab';
import { useRuns } from '../../state/runs';

const when = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/**
 * The experiments set aside by a Start, an import, a reset or a reopen: each can be reopened (the runs on screen are
 * set aside in turn), overlaid (its curves drawn dashed beside the runs on screen), exported as its run bundle, or
 * deleted (after a second click).
 */
export function HistoryPanel() {
  const items = useHistory((s) => s.items);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The title of the experiment drawn beside the current one, if any.
  const overlaid = useRuns((s) => s.order.map((id) => s.runs[id]!.overlay).find((t) => t !== undefined));
  useEffect(() => {
    void useHistory.getState().refresh();
  }, []);
  const act = (f: () => Promise<void>) => () => {
    setError(null);
    f().catch((e: unknown) => setError((e as Error).message));
  };
  return (
    <section aria-labelledby="history-h" data-testid="history">
      <h2 id="history-h">History</h2>
      {items.length === 0 ? (
        <p>
          <small>Experiments you replace (by Start, an import, Reset or reopening another) are kept here.</small>
        </p>
      ) : (
        <>
          <p>
            <small>
              {items.length} experiment{items.length === 1 ? '' : 's'} set aside, newest first (the last {MAX_HISTORY} are kept).
            </small>
          </p>
          <ol className="history">
            {items.map((h, i) => (
              <li key={h.id} data-testid={`history.${i}`}>
                <span className="history-title">{h.title}</span>{' '}
                <small>
                  {h.runs}; {h.why}, {when(h.savedAt)}
                </small>{' '}
                <button
                  type="button"
                  aria-label={`Reopen ${h.title}`}
                  onClick={act(async () => {
                    await setAside(useLab.getState().experiment, 'set aside to reopen another');
                    await reopen(h.id, useLab.getState().setExperiment);
                  })}
                >
                  Reopen
                </button>{' '}
                <button
                  type="button"
                  aria-label={`Overlay ${h.title}`}
                  title="Draw its curves dashed beside the runs on screen"
                  onClick={act(async () => {
                    await overlay(h.id);
                  })}
                >
                  Overlay
                </button>{' '}
                <button
                  type="button"
                  aria-label={`Export ${h.title}`}
                  onClick={act(async () =>
                    saveFile('l4-lab-bundle.json', new Blob([await historyBundle(h.id)], { type: 'application/json' })),
                  )}
                >
                  Export
                </button>{' '}
                {confirming === h.id ? (
                  <button
                    type="button"
                    aria-label={`Really delete ${h.title}`}
                    onClick={act(async () => {
                      setConfirming(null);
                      await deleteFromHistory(h.id);
                    })}
                  >
                    Really delete?
                  </button>
                ) : (
                  <button type="button" aria-label={`Delete ${h.title}`} onClick={() => setConfirming(h.id)}>
                    Delete
                  </button>
                )}
              </li>
            ))}
          </ol>
          {overlaid !== undefined && (
            <p data-testid="history.overlay">
              <small>Drawn dashed beside the runs on screen: {overlaid}.</small>{' '}
              <button type="button" onClick={() => removeOverlay()}>
                Remove the overlay
              </button>
            </p>
          )}
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
