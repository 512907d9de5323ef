import { useLab } from '../state/lab';
import { killWorker, useRuns } from '../state/runs';
import { traceOf } from '../state/traces';
import { useTuning } from '../state/tuning';

/** A read-only snapshot of the lab for scripts and tests (`window.__lab.snapshot()`), in production too. */
export function snapshot() {
  const { runs, order } = useRuns.getState();
  return {
    experiment: structuredClone(useLab.getState().experiment),
    notices: [...useLab.getState().notices],
    tuning: (({ specId, status, results, best }) => structuredClone({ specId, status, results, best }))(useTuning.getState()),
    runs: order.map((id) => {
      const r = runs[id]!;
      return {
        id,
        spec: r.specId,
        seed: r.seed,
        task: r.config.task,
        optimizer: r.config.optimizer,
        status: r.status,
        backend: r.backend,
        fallbackReason: r.fallbackReason,
        /** The WebGPU adapter the worker saw ("… (fallback)" for a software one), or null. */
        adapter: r.adapter,
        step: r.step,
        /** The last value of the loss and of every diagnostic, by column name (`last.effectiveLr`: η). */
        last: { ...r.last },
        bestLoss: r.bestLoss,
        testAccuracy: r.testAccuracy,
        divergedAt: r.divergedAt,
        hyper: { ...r.hyper },
        traceLength: traceOf(id)?.length ?? 0,
        /** The first step of the trace (a branch's checkpoint step), or null before any. */
        firstStep: traceOf(id)?.columns.step[0] ?? null,
        /** For a branch: the run it continues and the checkpoint's step. */
        branch: r.branch ? { ...r.branch } : null,
      };
    }),
  };
}

export function installLabApi(): void {
  // `killWorker` is fault injection for the end-to-end tests (it kills a worker as the browser would).
  (window as unknown as { __lab: unknown }).__lab = Object.freeze({ snapshot, killWorker });
}
