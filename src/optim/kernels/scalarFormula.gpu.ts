import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, TensorInfo } from '@tensorflow/tfjs-core';
import { registerOurKernel, runOurKernel } from './internals';
import type { ScalarFormula, ScalarOps } from './scalarFormula';

/**
 * A scalar formula (scalarFormula.ts) as shader source: evaluating its body with these ops writes one line per
 * operation and collects the constants, which become uniforms (K[i] in GLSL, uniforms.k<i> in WGSL), so the
 * source, and the compiled program, stay the same from step to step.
 */
interface Source {
  readonly lines: string[];
  readonly constants: number[];
}

type Lang = 'glsl' | 'wgsl';

function sourceOps(lang: Lang, src: Source): ScalarOps<string, string> {
  const glsl = lang === 'glsl';
  let n = 0;
  const emit = (type: 'float' | 'bool', expr: string): string => {
    const name = `${type === 'float' ? 't' : 'b'}${n++}`;
    src.lines.push(glsl ? `${type} ${name} = ${expr};` : `let ${name} = ${expr};`);
    return name;
  };
  const nan = glsl ? 'NAN' : 'uniforms.NAN';
  const sel = (c: string, a: string, b: string) => (glsl ? `(${c}) ? ${a} : ${b}` : `select(${b}, ${a}, ${c})`);
  const extreme = (fn: 'max' | 'min') => (a: string, b: string) =>
    emit('float', sel(`isnan(${a}) || isnan(${b})`, nan, `${fn}(${a}, ${b})`));
  return {
    c: (x) => {
      src.constants.push(x);
      return glsl ? `K[${src.constants.length - 1}]` : `uniforms.k${src.constants.length - 1}`;
    },
    add: (a, b) => emit('float', `${a} + ${b}`),
    sub: (a, b) => emit('float', `${a} - ${b}`),
    mul: (a, b) => emit('float', `${a} * ${b}`),
    div: (a, b) => emit('float', `${a} / ${b}`),
    sqrt: (a) => emit('float', `sqrt(${a})`),
    max: extreme('max'),
    min: extreme('min'),
    gt: (a, b) => emit('bool', `${a} > ${b}`),
    eq: (a, b) => emit('bool', `${a} == ${b}`),
    finite: (a) => emit('bool', `!(isnan(${a}) || isinf(${a}))`),
    not: (a) => emit('bool', `!${a}`),
    and: (a, b) => emit('bool', `${a} && ${b}`),
    select: (c, a, b) => emit('float', sel(c, a, b)),
  };
}

function compile<I extends string, O extends string>(formula: ScalarFormula<I, O>, lang: Lang): { src: Source; outs: string[] } {
  const src: Source = { lines: [], constants: [] };
  const ops = sourceOps(lang, src);
  const vars = Object.fromEntries(formula.inputs.map((k, i) => [k, `v${i}`])) as Record<I, string>;
  const out = formula.body(ops, vars);
  return { src, outs: formula.outputs.map((k) => out[k]) };
}

const GLSL_KERNEL = 'L4LabScalarFormulaWebGL';
const WGSL_KERNEL = 'L4LabScalarFormulaWebGPU';

interface FormulaAttrs {
  readonly name: string;
  readonly inputs: number;
  readonly lines: string;
  readonly outs: string[];
  readonly constants: number[];
  /** WebGL: the outputs (by index) to write packed as well, as scalars of their own. */
  readonly packed: number[];
}

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  registerOurKernel<'webgl', FormulaAttrs>(GLSL_KERNEL, 'webgl', (inputs, gl, a) => {
    const names = Array.from({ length: a.inputs }, (_, i) => `X${i}`);
    const k = Math.max(1, a.constants.length);
    const vector = gl.runWebGLProgram(
      {
        name: a.name,
        variableNames: names,
        outputShape: [a.outs.length],
        customUniforms: [{ name: 'K', type: 'float', arrayIndex: k }],
        userCode: `
          void main() {
            int i = getOutputCoords();
            ${names.map((x, j) => `float v${j} = get${x}();`).join(' ')}
            ${a.lines}
            ${a.outs.map((o, j) => `${j === 0 ? '' : 'else '}if (i == ${j}) { setOutput(${o}); }`).join(' ')}
          }`,
      },
      names.map((x) => inputs[x]!),
      'float32',
      [a.constants.length === 0 ? [0] : a.constants],
    );
    const packed = a.packed.map((j) =>
      gl.runWebGLProgram(
        {
          name: `${a.name}Packed`,
          variableNames: ['V'],
          outputShape: [],
          packedOutput: true,
          userCode: `void main() { setOutput(vec4(getV(${j}))); }`,
        },
        [vector],
        'float32',
      ),
    );
    return [vector, ...packed];
  });
  registerOurKernel<'webgpu', FormulaAttrs>(WGSL_KERNEL, 'webgpu', (inputs, gpu, a) => {
    const names = Array.from({ length: a.inputs }, (_, i) => `X${i}`);
    const code = `
      fn main(index : i32) {
        _ = uniforms.NAN;
        ${names.map((x, j) => `let v${j} = ${x}[0];`).join(' ')}
        ${a.lines}
        var out = ${a.outs[0]};
        ${a.outs.map((o, j) => (j === 0 ? '' : `if (uniforms.which == ${j}) { out = ${o}; }`)).join(' ')}
        setOutputAtIndex(0, out);
      }`;
    const program = {
      name: a.name,
      variableNames: names,
      outputShape: [],
      shaderKey: `${WGSL_KERNEL}_${a.name}_${code}`,
      dispatchLayout: { x: [] },
      dispatch: [1, 1, 1],
      workgroupSize: [1, 1, 1],
      uniforms: `${a.constants.map((_, j) => `k${j} : f32, `).join('')}which : i32,`,
      getUserCode: () => code,
    };
    const io = names.map((x) => inputs[x]!) as TensorInfo[];
    const values = a.constants.map((c) => ({ type: 'float32' as const, data: [c] }));
    return a.outs.map((_, which) => gpu.runWebGPUProgram(program, io, 'float32', [...values, { type: 'int32', data: [which] }]));
  });
}

function run<I extends string, O extends string>(
  formula: ScalarFormula<I, O>,
  inputs: Readonly<Record<I, Scalar>>,
  lang: Lang,
): Record<O, Scalar> {
  register();
  const { src, outs } = compile(formula, lang);
  const named = Object.fromEntries(formula.inputs.map((k, i) => [`X${i}`, inputs[k]]));
  const packed = lang === 'glsl' ? (formula.broadcast ?? []).map((k) => formula.outputs.indexOf(k)) : [];
  const attrs: FormulaAttrs = {
    name: formula.name,
    inputs: formula.inputs.length,
    lines: src.lines.join('\n'),
    outs,
    constants: src.constants,
    packed,
  };
  return tf.tidy(() => {
    const out = runOurKernel<FormulaAttrs, Scalar[] | [tf.Tensor1D, ...Scalar[]]>(
      lang === 'glsl' ? GLSL_KERNEL : WGSL_KERNEL,
      named,
      attrs,
    );
    if (lang === 'wgsl') return Object.fromEntries(formula.outputs.map((k, i) => [k, out[i]])) as Record<O, Scalar>;
    // WebGL writes one vector, whose continuous slices are views, and the packed copies after it.
    const [vector, ...copies] = out as [tf.Tensor1D, ...Scalar[]];
    const part = (i: number) => {
      const p = packed.indexOf(i);
      return p >= 0 ? copies[p]! : (tf.reshape(tf.slice(vector, [i], [1]), []) as Scalar);
    };
    return Object.fromEntries(formula.outputs.map((k, i) => [k, part(i)])) as Record<O, Scalar>;
  });
}

/** WebGL: the formula as one fragment shader writing a vector of its outputs. */
export const runGlslFormula = <I extends string, O extends string>(formula: ScalarFormula<I, O>, inputs: Readonly<Record<I, Scalar>>) =>
  run(formula, inputs, 'glsl');

/** WebGPU: the formula as one compute program, dispatched once per output. */
export const runWgslFormula = <I extends string, O extends string>(formula: ScalarFormula<I, O>, inputs: Readonly<Record<I, Scalar>>) =>
  run(formula, inputs, 'wgsl');
