import { create } from 'zustand';

/** Which run the branch panel is open for, and a step picked on a chart for it (UI state only). */
interface BranchPick {
  readonly runId: string | null;
  /** The latest step picked by clicking a chart, with a counter so picking the same step twice still updates. */
  readonly picked: { readonly step: number; readonly n: number } | null;
  open(runId: string): void;
  close(): void;
  pick(step: number): void;
}

export const useBranchPick = create<BranchPick>((set, get) => ({
  runId: null,
  picked: null,
  open: (runId) => set({ runId, picked: null }),
  close: () => set({ runId: null, picked: null }),
  pick: (step) => set({ picked: { step, n: (get().picked?.n ?? 0) + 1 } }),
}));
