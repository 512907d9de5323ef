import type { RunMeta } from './runs';

type Patch = (r: RunMeta) => Partial<RunMeta>;
type SetRuns = (f: (s: { runs: Record<string, RunMeta> }) => { runs: Record<string, RunMeta> }) => void;

/**
 * Per-chunk statistics (step, losses, steps/s) of every run reach the store together, at most every `ms`: with 4
 * runs streaming ~10 chunks/s each, one store update (one run-table render, one layout) per chunk kept the main
 * thread busy. The store flushes them before any other change, so a status never shows ahead of the steps before it.
 */
export function statsBatcher(set: SetRuns, ms: number) {
  const pending = new Map<string, Patch[]>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    const work = [...pending];
    pending.clear();
    set((s) => {
      const runs = { ...s.runs };
      for (const [id, fns] of work) {
        let r = runs[id];
        if (!r) continue;
        for (const f of fns) r = { ...r, ...f(r) };
        runs[id] = r;
      }
      return { runs };
    });
  };
  return {
    flush,
    patch(id: string, f: Patch) {
      const list = pending.get(id);
      if (list) list.push(f);
      else pending.set(id, [f]);
      timer ??= setTimeout(flush, ms);
    },
    /** A removed or restarted run's statistics still waiting. */
    drop: (id: string) => void pending.delete(id),
  };
}
