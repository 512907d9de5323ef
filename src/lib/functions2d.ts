/**
 * The 2-D test functions, written once over an arithmetic interface so the same formula runs on numbers
 * (the teaching page's contours) and on tensors (the `functions-2d` task). Each is ≥ 0 with minimum 0.
 */
export interface Arith<T> {
  c(v: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  square(a: T): T;
  cos(a: T): T;
}

type Formula = <T>(o: Arith<T>, x: T, y: T, kappa: number) => T;

export const FORMULAS_2D: Record<
  string,
  { title: string; f: Formula; start: [number, number]; minimum: [number, number]; view: [number, number, number, number] }
> = {
  rosenbrock: {
    title: 'Rosenbrock (1 − x)² + 100·(y − x²)²',
    f: (o, x, y) => o.add(o.square(o.sub(o.c(1), x)), o.mul(o.c(100), o.square(o.sub(y, o.square(x))))),
    start: [-1.2, 1],
    minimum: [1, 1],
    view: [-2, 2, -1, 3],
  },
  beale: {
    title: 'Beale (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²',
    f: (o, x, y) => {
      const y2 = o.square(y);
      return o.add(
        o.add(o.square(o.add(o.sub(o.c(1.5), x), o.mul(x, y))), o.square(o.add(o.sub(o.c(2.25), x), o.mul(x, y2)))),
        o.square(o.add(o.sub(o.c(2.625), x), o.mul(x, o.mul(y2, y)))),
      );
    },
    start: [1, 1.5],
    minimum: [3, 0.5],
    view: [-1, 4.5, -1.5, 2],
  },
  quadratic: {
    title: 'Ill-conditioned quadratic ½·(x² + κ·y²)',
    f: (o, x, y, kappa) => o.mul(o.c(0.5), o.add(o.square(x), o.mul(o.c(kappa), o.square(y)))),
    start: [1.5, -2],
    minimum: [0, 0],
    view: [-2.5, 2.5, -2.5, 2.5],
  },
  rastrigin: {
    title: 'Rastrigin 20 + Σ (x_i² − 10·cos 2πx_i)',
    f: (o, x, y) => {
      const term = <U>(a: Arith<U>, v: U) => a.sub(a.square(v), a.mul(a.c(10), a.cos(a.mul(a.c(2 * Math.PI), v))));
      return o.add(o.c(20), o.add(term(o, x), term(o, y)));
    },
    start: [2.2, -3.1],
    minimum: [0, 0],
    view: [-4, 4, -4, 4],
  },
};

/** Plain-number arithmetic. */
export const NUMBERS: Arith<number> = {
  c: (v) => v,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  square: (a) => a * a,
  cos: Math.cos,
};
