/**
 * A skipped step taken exactly where the device judges the steps (WebGL, WebGPU): the device keeps every tensor of a
 * skipped step, but the host, which keeps the step count (and Schedule-Free's weights), learns of the skip only when
 * it reads the verdict back. Once it has, the step is taken again from the state before it as a known skip: the
 * host path, which leaves the old state itself, its count included. The classes (adapter.ts) and the functional
 * `applyStepExactly` share this; the engine's runner puts skips right by training a slice again (engine/sliceReplay.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor1D, Variable } from '@tensorflow/tfjs-core';
import { applyStep, cloneState, disposeState } from './apply';
import { StepFlags } from './flags';
import { judgesOnDevice, SKIPPED_STEPS } from './skip';
import type { GradientTransformation, OptState, StepInputs, Tensors } from './types';

/** What taking a step again as a known skip needs: the parameters and the state before it, and its inputs (clones). */
export interface StepBefore {
  /** The parameters before the step (a skipped step leaves them exactly so, −0 included). */
  readonly params: Tensor[];
  readonly state: OptState;
  readonly grads: Tensor[];
  readonly loss: Scalar | undefined;
}

/** Clones of what a step starts from (on WebGL, WebGPU and cpu a clone shares its data: nothing is copied). */
export function keepBefore(vars: readonly Variable[], grads: Tensors, state: OptState, inputs: StepInputs): StepBefore {
  const keep = <T extends Tensor>(t: T) => tf.keep(tf.clone(t));
  return { params: vars.map(keep), state: cloneState(state), grads: grads.map(keep), loss: inputs.loss ? keep(inputs.loss) : undefined };
}

/** Lets go of what `keepBefore` kept. */
export function releaseBefore(b: StepBefore): void {
  disposeState(b.state);
  tf.dispose([...b.params, ...b.grads, ...(b.loss ? [b.loss] : [])]);
}

/** The skip counter before and after the step, and the step's flags: one read tells whether it was skipped and why. */
export function verdictOf(before: StepBefore, next: OptState): Tensor1D {
  const counter = (s: OptState) => s.diagnostics[SKIPPED_STEPS] ?? tf.scalar(0);
  return tf.tidy(() => tf.stack([counter(before.state), counter(next), next.diagnostics.flags ?? tf.scalar(0)]) as Tensor1D);
}

/** Whether a verdict read back says the step was skipped. */
export const wasSkipped = (v: ArrayLike<number>): boolean => v[1]! > v[0]!;

/**
 * The step taken again as a known skip from `before` (which it consumes), in place of `next` (disposed): the
 * parameters restored, the old state with the skip's diagnostics, the count unmoved.
 */
export function retakeAsSkip<S extends OptState>(
  transform: GradientTransformation<S>,
  vars: Variable[],
  before: StepBefore,
  next: OptState,
  flags: number,
): S {
  disposeState(next);
  vars.forEach((v, i) => v.assign(before.params[i]!));
  const inputs: StepInputs = { ...(before.loss ? { loss: before.loss } : {}), skip: flags || StepFlags.nonFiniteDirection };
  const state = applyStep(transform, vars, before.grads, before.state as S, inputs);
  tf.dispose([...before.params, ...before.grads, ...(before.loss ? [before.loss] : [])]);
  return state;
}

/**
 * `applyStep` that skips exactly on every backend: where the device judges the step, it awaits the verdict (one read
 * of three scalars) and takes a skipped step again as a known skip, so a run with a bad batch equals the run without
 * it, the count included. Where the host judges (cpu, WASM) it is `applyStep` itself. A bare `applyStep` on a GPU
 * backend keeps the tensors of a skipped step but moves its count on.
 */
export async function applyStepExactly<S extends OptState>(
  transform: GradientTransformation<S>,
  vars: Variable[],
  grads: Tensors,
  state: S,
  inputs: StepInputs = {},
): Promise<S> {
  if (!judgesOnDevice(transform as GradientTransformation<OptState>) || inputs.skip !== undefined || inputs.unguarded)
    return applyStep(transform, vars, grads, state, inputs);
  const before = keepBefore(vars, grads, state, inputs);
  const next = applyStep(transform, vars, grads, state, inputs);
  const verdict = verdictOf(before, next);
  let v: ArrayLike<number>;
  try {
    v = await verdict.data();
  } catch (e) {
    releaseBefore(before);
    throw e;
  } finally {
    verdict.dispose();
  }
  if (wasSkipped(v)) return retakeAsSkip(transform, vars, before, next, v[2]!);
  releaseBefore(before);
  return next;
}
