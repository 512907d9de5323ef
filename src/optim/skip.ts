import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { allFiniteOnHost } from './kernels/allFinite';
import { readHostScalar } from './kernels/internals';
import { keepWhere } from './kernels/keepWhere';
import { runScalarFormula, type ScalarFormula } from './kernels/scalarFormula';
import { scaleOrZero } from './kernels/scaleOrZero';
import { sumAbs } from './tensors';
import { StepFlags } from './flags';
import type { GradientTransformation, OptState, StepInputs, Tensors } from './types';

/** The diagnostic that counts the steps skipped so far (a device scalar, as every diagnostic). */
export const SKIPPED_STEPS = 'skippedSteps';

const inners = new WeakMap<object, GradientTransformation<OptState>>();
/** The wrapped transforms told to judge on the device whatever the backend (a test's switch). */
const forcedOnDevice = new WeakSet<object>();

/**
 * optax's `apply_if_finite` at the common end of every composition: a step whose gradients hold NaN or ±Inf, or
 * whose loss (when given) is not finite, changes neither the parameters nor any of the optimizer's state; only the
 * `skippedSteps` counter advances, and the step reports η = 0, ‖Δθ‖ = 0 and the flag that says why
 * (`nonFiniteDirection` for the gradients, `nonFiniteLoss` for the loss). So one bad batch leaves a run exactly as
 * if that batch had not been drawn: moments, L_min, d estimates, averages and the step count (which the bias
 * corrections and schedules read) stay as they were.
 *
 * Where the backend keeps its tensors in host memory (WASM, cpu) the check reads the gradients in place before
 * the step, and a bad step returns the old state itself: bit for bit, the step count included. On WebGL and WebGPU
 * nothing is read back per step: the step runs and every state tensor is chosen between old and new on the
 * device (`select`), so the parameters and the state's tensors are kept exactly, but the host-side step count
 * (and what is computed from it on the host: bias corrections, Schedule-Free's weights) advances as if the step
 * had been taken. The engine's runner puts that right (engine/runner.ts): when a flush reads back a skipped step, it
 * trains the steps since the last flush again from a copy, reading each verdict as it comes, and takes every skipped
 * step again as a known skip (`StepInputs.skip`), which is the host path's: the old state itself. A runner's steps
 * are `unguarded` (no choice between old and new on the device), since it puts a skipped step right anyway; so are
 * the tf.Optimizer classes' steps on WebGL, which read each verdict back and take a skipped step again (adapter.ts).
 *
 * Idempotent: wrapping a wrapped transform returns it; `finish` unwraps before adding clipping and weight decay
 * and wraps again, so the check is always the outermost layer.
 */
export function skipNonFinite<S extends OptState>(
  inner: GradientTransformation<S>,
  o: { onDevice?: boolean } = {},
): GradientTransformation<S> {
  if (inners.has(inner)) return inner;
  const t: GradientTransformation<S> = {
    ...inner,
    init(params) {
      const s = inner.init(params);
      return { ...s, diagnostics: { ...s.diagnostics, [SKIPPED_STEPS]: tf.scalar(0) } };
    },
    update(grads, state, params, inputs) {
      const skipped = state.diagnostics[SKIPPED_STEPS] ?? tf.scalar(0);
      const onHost = inputs.skip ? inputs.skip : o.onDevice ? null : hostVerdict(grads, inputs);
      if (onHost === 0) {
        const r = inner.update(grads, state, params, inputs);
        return { updates: r.updates, state: withDiagnostics(r.state, { [SKIPPED_STEPS]: skipped }) };
      }
      if (onHost !== null) {
        return {
          updates: grads.map((g) => tf.zerosLike(g)),
          state: withDiagnostics(state, {
            flags: tf.scalar(onHost),
            effectiveLr: tf.scalar(0),
            updateNorm: tf.scalar(0),
            [SKIPPED_STEPS]: plusOne(skipped),
          }),
        };
      }
      const r = inner.update(grads, state, params, inputs);
      const d = r.state.diagnostics;
      const zero = tf.scalar(0);
      const end = runScalarFormula(SKIP_END, {
        gradsL1: r.gradsL1 ?? sumAbs(grads),
        loss: inputs.loss ?? zero,
        flags: d.flags ?? zero,
        eta: d.effectiveLr ?? zero,
        norm: d.updateNorm ?? zero,
        skipped,
      });
      const { keep, take, ...reported } = end;
      // The diagnostics the skip reports itself are not chosen between old and new (a scalar select is three
      // WebGL programs).
      const own = Object.fromEntries(Object.entries(d).filter(([k]) => !(k in reported)));
      if (inputs.unguarded) return { updates: r.updates, state: withDiagnostics({ ...r.state, diagnostics: own }, reported) };
      return {
        updates: r.updates.map((u) => scaleOrZero(u, take)),
        state: withDiagnostics(selectState(keep, state, { ...r.state, diagnostics: own }), reported),
      };
    },
  };
  inners.set(t, inner as unknown as GradientTransformation<OptState>);
  if (o.onDevice) forcedOnDevice.add(t);
  return t;
}

/**
 * Whether `t` (a transform from `skipNonFinite`) judges its steps on the device: on WebGL and WebGPU, or when told to
 * (`onDevice`). There a step's verdict is known on the host only once it is read back.
 */
export function judgesOnDevice(t: GradientTransformation<OptState>): boolean {
  return forcedOnDevice.has(t) || allFiniteOnHost([]) === null;
}

/** The transform inside `skipNonFinite`, or the transform itself. */
export function withoutSkip<S extends OptState>(t: GradientTransformation<S>): GradientTransformation<S> {
  return (inners.get(t) as GradientTransformation<S> | undefined) ?? t;
}

/**
 * The device path's scalars in one kernel (one shader on WebGL): whether to keep the old state (`keep`, 1 or 0) and
 * the factor of the updates (`take`, its complement), and the step's report. The gradients are judged by their L1
 * norm: finite exactly when every entry is, unless Σ|g| itself overflows float32 (above 3.4e38), which counts as
 * non-finite too.
 */
const SKIP_END: ScalarFormula<
  'gradsL1' | 'loss' | 'flags' | 'eta' | 'norm' | 'skipped',
  'keep' | 'take' | 'flags' | 'effectiveLr' | 'updateNorm' | typeof SKIPPED_STEPS
> = {
  name: 'SkipNonFinite',
  inputs: ['gradsL1', 'loss', 'flags', 'eta', 'norm', 'skipped'],
  outputs: ['keep', 'take', 'flags', 'effectiveLr', 'updateNorm', SKIPPED_STEPS],
  broadcast: ['keep', 'take'],
  body: (x, v) => {
    const reason = x.add(
      x.select(x.finite(v.gradsL1), x.c(0), x.c(StepFlags.nonFiniteDirection)),
      x.select(x.finite(v.loss), x.c(0), x.c(StepFlags.nonFiniteLoss)),
    );
    const ok = x.eq(reason, x.c(0));
    return {
      keep: x.select(ok, x.c(0), x.c(1)),
      take: x.select(ok, x.c(1), x.c(0)),
      flags: x.select(ok, v.flags, reason),
      effectiveLr: x.select(ok, v.eta, x.c(0)),
      updateNorm: x.select(ok, v.norm, x.c(0)),
      [SKIPPED_STEPS]: x.select(ok, v.skipped, x.add(v.skipped, x.c(1))),
    } as Record<'keep' | 'take' | 'flags' | 'effectiveLr' | 'updateNorm' | typeof SKIPPED_STEPS, typeof reason>;
  },
};

/** The counter plus one: on the host where it lives there, else on the device. */
function plusOne(count: Scalar): Scalar {
  const host = readHostScalar(count);
  return host !== null ? tf.scalar(host + 1) : (tf.add(count, 1) as Scalar);
}

/** On a host backend: 0 for a good step, else the flags that say why it is skipped; null elsewhere. */
function hostVerdict(grads: Tensors, inputs: StepInputs): number | null {
  const gradsOk = allFiniteOnHost(grads);
  const lossOk = inputs.loss ? allFiniteOnHost([inputs.loss]) : true;
  if (gradsOk === null || lossOk === null) return null;
  return (gradsOk ? 0 : StepFlags.nonFiniteDirection) | (lossOk ? 0 : StepFlags.nonFiniteLoss);
}

function withDiagnostics<S extends OptState>(s: S, d: Record<string, Scalar>): S {
  return { ...s, diagnostics: { ...s.diagnostics, ...d } };
}

/** The state `keep ? old : next`, tensor by tensor (host values are next's: they cannot be chosen on the device). */
function selectState<S>(keep: Scalar, old: unknown, next: S): S {
  const pick = (o: unknown, n: unknown): unknown => {
    if (n instanceof tf.Tensor) {
      if (!(o instanceof tf.Tensor) || o === n || !tf.util.arraysEqual(o.shape, n.shape) || o.dtype !== n.dtype) return n;
      return keepWhere(keep, o, n);
    }
    if (Array.isArray(n)) return n.map((x, i) => pick(Array.isArray(o) ? o[i] : undefined, x));
    if (n !== null && typeof n === 'object') {
      const src = o !== null && typeof o === 'object' ? (o as Record<string, unknown>) : {};
      return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, pick(src[k], v)]));
    }
    return n;
  };
  return pick(old, next) as S;
}
