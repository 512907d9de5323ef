import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { internalsUsable, readHostScalar } from './internals';
import { runGlslFormula, runWgslFormula } from './scalarFormula.gpu';

/**
 * The arithmetic a scalar formula may use. A formula is written once against this and runs as one kernel on
 * every backend: float32 numbers in host memory on WASM and cpu, one shader on WebGL, one compute program per
 * output on WebGPU, and plain tfjs ops elsewhere. `T` is a number-like value, `B` a condition.
 */
export interface ScalarOps<T, B> {
  /** A constant. On GPUs it is a uniform, so a value that changes from step to step compiles no new shader. */
  c(x: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  sqrt(a: T): T;
  /** As the backend's maximum and minimum: NaN when either is NaN, except on WASM, where only a NaN a gives NaN. */
  max(a: T, b: T): T;
  min(a: T, b: T): T;
  gt(a: T, b: T): B;
  eq(a: T, b: T): B;
  finite(a: T): B;
  not(a: B): B;
  /** cond ? a : b */
  select(cond: B, a: T, b: T): T;
}

/** A formula over named device scalars: its outputs are named scalars too. */
export interface ScalarFormula<I extends string, O extends string> {
  /** Names the programs (`npm run bench:browser -- --programs`). */
  readonly name: string;
  readonly inputs: readonly I[];
  readonly outputs: readonly O[];
  /**
   * The outputs that will scale whole tensors. tfjs's WebGL element-wise programs read them packed: on WebGL
   * they are packed once here rather than at every use (one program each instead of one per tensor).
   */
  readonly broadcast?: readonly O[];
  body<T, B>(x: ScalarOps<T, B>, v: Readonly<Record<I, T>>): Record<O, T>;
}

const f = Math.fround;

/**
 * float32 on numbers, rounded after every operation as the ops round (exact for + − × ÷ on float32 inputs), with
 * the cpu backend's maximum and minimum (Math.max and Math.min).
 */
export const float32Ops: ScalarOps<number, boolean> = {
  c: (x) => f(x),
  add: (a, b) => f(a + b),
  sub: (a, b) => f(a - b),
  mul: (a, b) => f(a * b),
  div: (a, b) => f(a / b),
  sqrt: (a) => f(Math.sqrt(a)),
  max: (a, b) => Math.max(a, b),
  min: (a, b) => Math.min(a, b),
  gt: (a, b) => a > b,
  eq: (a, b) => a === b,
  finite: (a) => Number.isFinite(a),
  not: (a) => !a,
  select: (cond, a, b) => (cond ? a : b),
};

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
