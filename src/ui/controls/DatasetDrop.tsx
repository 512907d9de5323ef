import { useState } from 'react';
import { importDatasetFiles } from '../../state/datasets';
import type { DatasetSpec } from '../../tasks/data/catalogue';

/**
 * Takes a droppable dataset's files from the user (a file picker, or dropped on the box): Fashion-MNIST's IDX files,
 * CIFAR-10's binary batches. They are size-checked before reading, validated, and kept in this browser for the
 * workers.
 */
export function DatasetDrop({ spec }: { spec: DatasetSpec }) {
  const dataset = spec.id;
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const take = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    setBusy(true);
    try {
      const { dataset: got, summary } = await importDatasetFiles([...list]);
      setStatus(got === dataset ? { ok: true, text: summary } : { ok: true, text: `${summary} (This task uses the other dataset.)` });
    } catch (e) {
      setStatus({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const what = `${spec.dropHint}${spec.serverFolder !== null ? '; without them the server’s copy is used if it has one' : ''}`;
  return (
    <div
      className="dropzone"
      data-testid="dataset"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void take(e.dataTransfer.files);
      }}
    >
      <label>
        Dataset files: {what}.{' '}
        <input type="file" multiple aria-label="dataset files" disabled={busy} onChange={(e) => void take(e.target.files)} />
      </label>
      {busy && <span> Reading and checking…</span>}
      {status && (
        <p
          role={status.ok ? 'status' : 'alert'}
          className={status.ok ? '' : 'error'}
          data-testid={status.ok ? 'dataset.ok' : 'dataset.error'}
        >
          {status.text}
        </p>
      )}
    </div>
  );
}
