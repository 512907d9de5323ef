/**
 * Scalar formulas as data: the arithmetic they are written against and its float32 and float64 evaluations on
 * numbers. Free of tfjs, so the page's main thread (the teaching page) evaluates the library's formulas too;
 * scalarFormula.ts runs them on a tfjs backend.
 */
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
  and(a: B, b: B): B;
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
  and: (a, b) => a && b,
  select: (cond, a, b) => (cond ? a : b),
};

/**
 * float64 on numbers, with JavaScript's own maximum and minimum: the formulas as the teaching page evaluates them
 * (the paper's arithmetic, free of the device's rounding).
 */
export const float64Ops: ScalarOps<number, boolean> = {
  ...float32Ops,
  c: (x) => x,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  sqrt: (a) => Math.sqrt(a),
};
