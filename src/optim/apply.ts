import * as tf from '@tensorflow/tfjs-core';
import type { TensorContainer, Variable } from '@tensorflow/tfjs-core';
import { disposeReplaced, tensorsIn } from './tensors';
import type { GradientTransformation, Hyper, OptState, StepInputs, Tensors } from './types';

/**
 * One training step on variables, the way the engine and the adapters run it: the transform's update and
 * θ ← θ + Δθ inside one `tidy`, then the replaced state is disposed at once. Nothing is read back.
 */
export function applyStep<S extends OptState>(
  transform: GradientTransformation<S>,
  vars: Variable[],
  grads: Tensors,
  state: S,
  inputs: StepInputs = {},
): S {
  const next = tf.tidy(() => {
    const { updates, state: s } = transform.update(grads, state, vars, inputs);
    vars.forEach((v, i) => v.assign(tf.add(v, updates[i]!)));
    return s as unknown as TensorContainer;
  }) as unknown as S;
  // Callers may step inside their own tidy (model.fit does): the state must outlive it.
  for (const t of tensorsIn(next)) tf.keep(t);
  disposeReplaced(state, next);
  return next;
}

/** Writes live hyperparameter changes into the state; they apply from the next step. Validated first. */
export function setHyper<S extends OptState>(transform: GradientTransformation<S>, state: S, patch: Hyper): S {
  for (const k of Object.keys(patch)) {
    if (!(k in state.hyper)) {
      throw new Error(`${transform.config.name} has no hyperparameter "${k}" (it has ${Object.keys(state.hyper).join(', ')}).`);
    }
  }
  const hyper = { ...state.hyper, ...patch };
  transform.validateHyper(hyper);
  return { ...state, hyper };
}

/**
 * The state with every tensor cloned (a tensor held twice is cloned once): it outlives the steps that dispose the
 * original's tensors. On WebGL, WebGPU and cpu a clone shares its data (a reference count), so this copies nothing.
 */
export function cloneState<S extends OptState>(state: S): S {
  const clones = new Map<tf.Tensor, tf.Tensor>();
  const copy = (v: unknown): unknown => {
    if (v instanceof tf.Tensor) {
      if (!clones.has(v)) clones.set(v, tf.keep(tf.clone(v)));
      return clones.get(v);
    }
    if (Array.isArray(v)) return v.map(copy);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
    return v;
  };
  return copy(state) as S;
}

/** Disposes every tensor of a state. */
export function disposeState(state: OptState): void {
  disposeReplaced(state, null);
}

/**
 * Reads the diagnostics of a state back in one transfer (`await data()`, never `dataSync`, which has
 * returned zeros on WebGPU). Use it in batches, not per step.
 */
export async function readDiagnostics(state: OptState): Promise<Record<string, number>> {
  const names = Object.keys(state.diagnostics).sort();
  const stacked = tf.tidy(() => tf.stack(names.map((n) => state.diagnostics[n]!)));
  try {
    const values = await stacked.data();
    return Object.fromEntries(names.map((n, i) => [n, values[i] as number]));
  } finally {
    stacked.dispose();
  }
}
