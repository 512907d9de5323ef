/**
 * Rewind and branch: the checkpoints each run's worker sends (at its start, at steps 100,
 * 200, 400, …, every few seconds and at its end) are kept here, a few per run, in memory for this visit; a branch
 * continues a run from the checkpoint nearest before a chosen step with changed hyperparameters. It is a run of
 * its own (`<run>-b<n>`): its own curve from the checkpoint's step on, saved, exported and restored like any run.
 */
import { create } from 'zustand';
import type { SerializedCheckpoint } from '../engine/snapshot';
import { optimizerSpec, RECIPE_OPTIONS } from '../optim/catalogue';
import { resolveSettings } from '../lib/settings';
import { onCheckpoint, useRuns } from './runs';

/** Checkpoints kept per run: a checkpoint of the MNIST MLP with Adam's state is about 3 MB. */
export const MAX_KEPT = 8;

const kept = new Map<string, SerializedCheckpoint[]>();

interface CheckpointSteps {
  /** Per run, the steps it can be branched from. */
  readonly steps: Readonly<Record<string, readonly number[]>>;
}
export const useCheckpoints = create<CheckpointSteps>(() => ({ steps: {} }));

const publish = (id: string) => useCheckpoints.setState((s) => ({ steps: { ...s.steps, [id]: (kept.get(id) ?? []).map((c) => c.step) } }));

/**
 * Keeps a checkpoint. Over `MAX_KEPT`, the inner checkpoint whose removal leaves the smallest gap goes, so the
 * kept ones stay spread over the run (the first and the latest always stay).
 */
export function keepCheckpoint(id: string, cp: SerializedCheckpoint): void {
  const list = (kept.get(id) ?? []).filter((c) => c.step !== cp.step);
  list.push(cp);
  list.sort((a, b) => a.step - b.step);
  while (list.length > MAX_KEPT) {
    let drop = 1;
    for (let i = 2; i < list.length - 1; i++)
      if (list[i + 1]!.step - list[i - 1]!.step < list[drop + 1]!.step - list[drop - 1]!.step) drop = i;
    list.splice(drop, 1);
  }
  kept.set(id, list);
  publish(id);
}

/** The checkpoint at `step` or the nearest before it, or null. */
export function checkpointBefore(id: string, step: number): SerializedCheckpoint | null {
  const list = kept.get(id) ?? [];
  let best: SerializedCheckpoint | null = null;
  for (const c of list) if (c.step <= step) best = c;
  return best;
}

/** Drops a run's checkpoints (it was removed or restarted). */
export function forgetCheckpoints(id: string): void {
  if (!kept.delete(id)) return;
  useCheckpoints.setState((s) => {
    const steps = { ...s.steps };
    delete steps[id];
    return { steps };
  });
}

export class BranchError extends Error {}

/**
 * Starts a branch of run `from` at `step` (from the checkpoint nearest before it) with `changes` to its
 * optimizer's settings, training until step `until` (the parent's budget by default). Returns the branch's id
 * and the step it really starts from. Throws a `BranchError` with a sentence when it cannot.
 */
export function branchRun(
  from: string,
  step: number,
  changes: Readonly<Record<string, number | string>>,
  until?: number,
): { id: string; start: number } {
  const parent = useRuns.getState().runs[from];
  if (!parent) throw new BranchError(`There is no run ${from}.`);
  if (!Number.isInteger(step) || step < 0) throw new BranchError(`The branch step must be a whole number ≥ 0, got ${step}.`);
  const cp = checkpointBefore(from, step);
  const steps = kept.get(from)?.map((c) => c.step) ?? [];
  if (!cp)
    throw new BranchError(
      steps.length === 0
        ? `Run ${from} has no checkpoint to branch from in this visit (checkpoints are kept in memory while a run trains).`
        : `Run ${from} has no checkpoint at or before step ${step}; its checkpoints are at steps ${steps.join(', ')}.`,
    );
  const spec = optimizerSpec(parent.config.optimizer);
  if (!spec) throw new BranchError(`Run ${from}'s optimizer "${parent.config.optimizer}" is not in this lab.`);
  let options: Record<string, number | string>;
  try {
    options = resolveSettings(spec.title, spec.settings, { ...parent.config.optimizerOptions, ...changes }, RECIPE_OPTIONS);
  } catch (e) {
    throw new BranchError((e as Error).message);
  }
  const end = until ?? Math.max(parent.config.steps, cp.step + 1);
  if (!Number.isInteger(end) || end <= cp.step || end > 10_000_000)
    throw new BranchError(
      `The branch must train past its checkpoint at step ${cp.step}: "until step" must be a whole number above it, got ${end}.`,
    );
  const taken = new Set(useRuns.getState().order);
  let n = 1;
  while (taken.has(`${from}-b${n}`)) n++;
  const id = `${from}-b${n}`;
  const config = { ...parent.config, optimizerOptions: options, steps: end };
  // The optimizer state carries the live hyperparameters (α, γ, τ, the learning rate, …) as the run had them at
  // the checkpoint; the branch's own values replace them there (the others come from its config).
  const state = cp.state as { hyper?: Record<string, unknown> } | null;
  const hyper = state?.hyper
    ? Object.fromEntries(Object.entries(state.hyper).map(([k, v]) => [k, k in options ? options[k] : v]))
    : undefined;
  const resume = hyper ? { ...cp, state: { ...state, hyper } } : cp;
  useRuns.getState().startRun(id, id, parent.seed, config, { resume, branch: { from, step: cp.step } });
  return { id, start: cp.step };
}

let installed = false;
/**
 * Starts keeping the checkpoints runs send (once; the page calls it at start), and forgets a run's checkpoints
 * when it is removed or started again (a restart trains it anew).
 */
export function startBranching(): void {
  if (installed) return;
  installed = true;
  onCheckpoint(keepCheckpoint);
  useRuns.subscribe((s, prev) => {
    for (const id of prev.order) {
      const now = s.runs[id];
      if (!now || (now.status === 'queued' && prev.runs[id]!.status !== 'queued')) forgetCheckpoints(id);
    }
  });
}
