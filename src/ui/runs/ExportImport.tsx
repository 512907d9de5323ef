import { useRef, useState } from 'react';
import { saveFile } from '../../lib/download';
import { readBenchmarkReport, useBenchmark } from '../../state/benchmark';
import { makeBundle, readBundle, tracesToCsv } from '../../state/bundle';
import { recordedExperiment, setAside, showBundle } from '../../state/history';
import { useLab } from '../../state/lab';
import { useRuns } from '../../state/runs';
import { derivedCurves } from '../charts/derived';
import { traceOf } from '../../state/traces';

function download(name: string, type: string, body: string): void {
  saveFile(name, new Blob([body], { type }));
}

/** Export traces as CSV and the whole comparison as a JSON run bundle; import a bundle back. */
export function ExportImport() {
  const count = useRuns((s) => s.order.length);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const runs = () => useRuns.getState().order.map((id) => useRuns.getState().runs[id]!);
  return (
    <p className="export row" data-testid="export">
      <button type="button" disabled={count === 0} onClick={() => download('l4-lab-traces.csv', 'text/csv', tracesToCsv(runs(), traceOf))}>
        Export CSV
      </button>{' '}
      <button
        type="button"
        disabled={count === 0}
        onClick={() =>
          download(
            'l4-lab-bundle.json',
            'application/json',
            // The experiment the runs ran (their own records), whatever the builder reads now.
            makeBundle(recordedExperiment(useLab.getState().experiment, runs()), runs(), traceOf, derivedCurves()),
          )
        }
      >
        Export JSON
      </button>{' '}
      <label>
        Import JSON bundle (or benchmark report){' '}
        <input
          ref={file}
          type="file"
          accept="application/json,.json"
          aria-label="import JSON bundle"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            if (!f) return;
            setError(null);
            setInfo(null);
            try {
              if (f.size > 200 * 1024 * 1024) throw new Error(`${f.name} is ${f.size} bytes, over the 200 MB limit for a bundle.`);
              const text = await f.text();
              // lab benchmark writes "kind" first; a run bundle can be hundreds of MB, so it is not parsed twice.
              if (/"kind"\s*:\s*"l4-lab-benchmark"/.test(text.slice(0, 200))) {
                const report = readBenchmarkReport(text);
                useBenchmark.getState().open(report, f.name);
                setInfo(`Opened the benchmark report ${f.name}: ${report.tasks.length} task(s).`);
                return;
              }
              // A bad file is refused before anything on screen is touched; the runs on screen go into the history.
              const bundle = readBundle(text);
              await setAside(useLab.getState().experiment, `set aside by importing ${f.name}`);
              const n = showBundle(bundle, useLab.getState().setExperiment);
              setInfo(`Imported ${n} run(s) from ${f.name}.`);
            } catch (err) {
              setError(`${f.name}: ${(err as Error).message}`);
            } finally {
              if (file.current) file.current.value = '';
            }
          }}
        />
      </label>
      {error && (
        <span role="alert" className="error" data-testid="import.error">
          {error}
        </span>
      )}
      {info && <span data-testid="import.info"> {info}</span>}
    </p>
  );
}
