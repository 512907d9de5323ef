import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { internalsUsable, readHostScalar } from './internals';
import { runGlslFormula, runWgslFormula } from './scalarFormula.gpu';
import { float32Ops, type ScalarFormula, type ScalarOps } from './scalarOps';

export { float32Ops, float64Ops, type ScalarFormula, type ScalarOps } from './scalarOps';

/** The same formula as tfjs ops: the path for backends and tfjs versions our kernels were not written for. */
export const tensorOps: ScalarOps<Scalar, Scalar> = {
  c: (x) => tf.scalar(x),
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
  sqrt: (a) => tf.sqrt(a),
  max: (a, b) => tf.maximum(a, b),
  min: (a, b) => tf.minimum(a, b),
  gt: (a, b) => tf.greater(a, b),
  eq: (a, b) => tf.equal(a, b),
  finite: (a) => tf.isFinite(a),
  not: (a) => tf.logicalNot(a),
  and: (a, b) => tf.logicalAnd(a, b),
  select: (cond, a, b) => tf.where(cond, a, b),
};

/** The WASM backend's maximum and minimum (XNNPACK's): a < b ? b : a, so a NaN b gives a. */
const wasmOps: ScalarOps<number, boolean> = { ...float32Ops, max: (a, b) => (a < b ? b : a), min: (a, b) => (b < a ? b : a) };

let fused = true;
/** Tests only: run every formula as ops, to hold the fused paths to them. */
export function setFusedFormulas(on: boolean): void {
  fused = on;
}

/**
 * Runs a formula on the active backend, as one kernel where it can (see `ScalarOps`). The result is the same
 * on every path up to the GPUs' float32 rounding (held to the ops by tests: bit for bit on WASM and cpu).
 */
export function runScalarFormula<I extends string, O extends string>(
  formula: ScalarFormula<I, O>,
  inputs: Readonly<Record<I, Scalar>>,
): Record<O, Scalar> {
  if (fused && internalsUsable()) {
    const host = formula.inputs.map((k) => readHostScalar(inputs[k]));
    if (host.every((x): x is number => x !== null)) {
      const ops = tf.getBackend() === 'wasm' ? wasmOps : float32Ops;
      const out = formula.body(ops, Object.fromEntries(formula.inputs.map((k, i) => [k, host[i]!])) as Record<I, number>);
      return Object.fromEntries(formula.outputs.map((k) => [k, tf.scalar(out[k])])) as Record<O, Scalar>;
    }
    const backend = tf.getBackend();
    if (backend === 'webgl') return runGlslFormula(formula, inputs);
    if (backend === 'webgpu') return runWgslFormula(formula, inputs);
  }
  return tf.tidy(() => formula.body(tensorOps, inputs));
}
