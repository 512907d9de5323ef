import type { ScalarFormula } from '../../optim/kernels/scalarFormula';

export type EveryOpOutput = 'sum' | 'diff' | 'prod' | 'quot' | 'root' | 'big' | 'small' | 'picked' | 'same' | 'ok' | 'both';
/**
 * Every operation of a scalar formula once, with constants among the operands: the unit tests hold its paths to
 * each other on WASM and cpu, the GPU check (e2e/fixtures/formulaCheck.ts) its shaders to float32 numbers.
 */
export const EVERY_OP: ScalarFormula<'a' | 'b', EveryOpOutput> = {
  name: 'FormulaCheck',
  inputs: ['a', 'b'],
  outputs: ['sum', 'diff', 'prod', 'quot', 'root', 'big', 'small', 'picked', 'same', 'ok', 'both'],
  // Two of them also written packed on WebGL.
  broadcast: ['prod', 'root'],
  body: (x, { a, b }) => ({
    sum: x.add(a, b),
    diff: x.sub(a, x.c(0.25)),
    prod: x.mul(a, b),
    quot: x.div(a, b),
    root: x.sqrt(a),
    big: x.max(a, b),
    small: x.min(a, x.c(-3)),
    picked: x.select(x.gt(a, b), a, x.c(7)),
    same: x.select(x.eq(a, b), x.c(1), x.c(0)),
    ok: x.select(x.not(x.finite(x.div(a, b))), x.c(4), x.c(0)),
    both: x.select(x.and(x.finite(a), x.gt(b, x.c(0))), x.c(2), x.c(5)),
  }),
};
