import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tensors } from '../types';
import { groupByInputs, inputNamer, pairInputs, pairsFromInputs, type DotsAttrs, type SumKind } from './gpuGroups';
import { internalsUsable, registerOurKernel, runOurKernel } from './internals';

/**
 * Several inner products of parameter lists, Σ_i sum(a_i ⊙ b_i) for each pair (a, b), in two WebGL dispatches.
 *
 * Op by op, one inner product costs per tensor a multiply, an unpack of the packed product, a reshape and two
 * or more reduction passes, plus an addN: ~25 shader programs for the MNIST MLP's six tensors, each with a
 * fixed cost on WebGL (`npm run bench:browser -- --programs` counts them). Here the first program reads the
 * packed textures directly (no unpacking) and writes one partial sum per block of texels for every pair; the
 * second sums the blocks of each pair and scales them. Each pair's products are summed in float32, as tfjs's
 * own reduction does. Other backends use the op-by-op path (tensors.ts).
 */
const PARTIALS = 'L4LabDotPartials';
const ROWS = 'L4LabRowSums';

/** A texel's four elements, of which those past an odd edge are padding (not guaranteed to be zero). */
function sumOf(prod: string, shape: readonly number[]): string {
  const rank = shape.length;
  if (rank === 0) return `${prod}.x`;
  const yOk = shape[rank - 1]! % 2 === 0 ? null : 'yOk';
  if (rank === 1) return yOk ? `${prod}.x + (yOk ? ${prod}.y : 0.0)` : `${prod}.x + ${prod}.y`;
  const zOk = shape[rank - 2]! % 2 === 0 ? null : 'zOk';
  if (!yOk && !zOk) return `dot(${prod}, vec4(1.0))`;
  const y = yOk ? `(yOk ? ${prod}.y : 0.0)` : `${prod}.y`;
  const z = zOk ? `(zOk ? ${prod}.z : 0.0)` : `${prod}.z`;
  const w = yOk && zOk ? `(yOk && zOk ? ${prod}.w : 0.0)` : yOk ? `(yOk ? ${prod}.w : 0.0)` : `(zOk ? ${prod}.w : 0.0)`;
  return `${prod}.x + ${y} + ${z} + ${w}`;
}

/** A texel's four terms of one pair. */
function termOf(kind: SumKind, a: string, b: string): string {
  if (kind === 'abs') return `abs(${a})`;
  if (kind === 'agree') return `vec4(greaterThan(${a} * ${b}, vec4(0.0)))`;
  if (kind === 'signAgree') return `vec4(greaterThan(sign(${a}) * ${b}, vec4(0.0)))`;
  return `${a} * ${b}`;
}

/** Texels of a packed tensor: 2×2 blocks of the last two dimensions, per matrix of the batch. */
function packedTexels(shape: readonly number[]): number {
  const rank = shape.length;
  const C = rank >= 1 ? shape[rank - 1]! : 1;
  const R = rank >= 2 ? shape[rank - 2]! : 1;
  return shape.slice(0, Math.max(0, rank - 2)).reduce((x, y) => x * y, 1) * Math.ceil(R / 2) * Math.ceil(C / 2);
}

/**
 * One tensor's part of the first pass: the sums over texels [start, stop) of each pair's product, walking
 * the packed layout (tfjs-backend-webgl: a texel holds the 2×2 block rows 2r..2r+1, columns 2c..2c+1 of one
 * matrix of the batch, x, y from row 2r and z, w from row 2r+1; a vector's texel holds elements 2c, 2c+1).
 */
// GLSL ES 1.00 (WebGL 1) has no integer min and allows only constant loop bounds: both passes loop to a
// constant and break.
function partCode(
  fn: string,
  shape: readonly number[],
  names: readonly (readonly [string, string])[],
  kinds: readonly SumKind[],
  width: number,
): { texels: number; code: string } {
  const rank = shape.length;
  const C = rank >= 1 ? shape[rank - 1]! : 1;
  const R = rank >= 2 ? shape[rank - 2]! : 1;
  const ct = Math.ceil(C / 2);
  const rt = Math.ceil(R / 2);
  const texels = packedTexels(shape);
  const d1 = shape[1] ?? 1;
  const at = (n: string) =>
    rank === 0
      ? `get${n}()`
      : rank === 1
        ? `get${n}(2 * c)`
        : rank === 2
          ? `get${n}(2 * r, 2 * c)`
          : rank === 3
            ? `get${n}(b, 2 * r, 2 * c)`
            : `get${n}(b / ${d1}, b - (b / ${d1}) * ${d1}, 2 * r, 2 * c)`;
  const distinct = [...new Set(names.flat())];
  const fetches = distinct.map((n) => `vec4 v${n} = ${at(n)};`).join(' ');
  const sums = names
    .map(([a, b], p) => `vec4 p${p} = ${termOf(kinds[p]!, `v${a}`, `v${b}`)}; acc.${'xy'[p]} += ${sumOf(`p${p}`, shape)};`)
    .join(' ');
  const masks = `${C % 2 === 1 ? `bool yOk = 2 * c + 1 < ${C};` : ''} ${rank >= 2 && R % 2 === 1 ? `bool zOk = 2 * r + 1 < ${R};` : ''}`;
  return {
    texels,
    code: `
      vec2 ${fn}(int k) {
        vec2 acc = vec2(0.0);
        int t = k * ${width};
        int stop = t + ${width};
        if (stop > ${texels}) stop = ${texels};
        int b = t / ${rt * ct};
        int q = t - b * ${rt * ct};
        int r = q / ${ct};
        int c = q - r * ${ct};
        for (int j = 0; j < ${width}; j++) {
          if (t >= stop) break;
          ${masks}
          ${fetches}
          ${sums}
          t++; c++;
          if (c == ${ct}) { c = 0; r++; if (r == ${rt}) { r = 0; b++; } }
        }
        return acc;
      }`,
  };
}

/** Texels one block sums: about √(all texels), so that both passes loop about as long. */
function blockWidth(texels: number): number {
  return Math.max(64, Math.min(4096, Math.ceil(Math.sqrt(texels))));
}

interface Plan {
  /** The distinct input tensors, in variable order. */
  readonly inputs: TensorInfo[];
  readonly blocks: number;
  /** Each tensor's first block and block count in the partials, in the group's order. */
  readonly ranges: (readonly [number, number])[];
  readonly userCode: string;
}

/**
 * The first pass for one or two pairs: every fragment sums one block of texels of one tensor for both pairs at
 * once (each texel fetched once), and writes the pairs' sums to x and z of a packed [2, 2·blocks] output.
 */
function plan(pairs: readonly (readonly [readonly TensorInfo[], readonly TensorInfo[]])[], kinds: readonly SumKind[], width: number): Plan {
  const { inputs, nameOf } = inputNamer<TensorInfo>();
  const shapes = pairs[0]![0].map((t) => t.shape);
  const fns: string[] = [];
  const calls: string[] = [];
  const ranges: (readonly [number, number])[] = [];
  let offset = 0;
  shapes.forEach((shape, i) => {
    const names = pairs.map(([a, b]) => [nameOf(a[i]!), nameOf(b[i]!)] as const);
    const part = partCode(`part${i}`, shape, names, kinds, width);
    const blocks = Math.ceil(part.texels / width);
    ranges.push([offset, blocks]);
    if (blocks === 0) return;
    fns.push(part.code);
    calls.push(`${calls.length === 0 ? '' : 'else '}if (k < ${offset + blocks}) acc = part${i}(k - ${offset});`);
    offset += blocks;
  });
  const userCode = `
    ${fns.join('\n')}
    void main() {
      int k = getOutputCoords().y / 2;
      vec2 acc = vec2(0.0);
      ${calls.join('\n      ')}
      setOutput(vec4(acc.x, 0.0, acc.y, 0.0));
    }`;
  return { inputs, blocks: offset, ranges, userCode };
}

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  registerOurKernel<'webgl', DotsAttrs>(PARTIALS, 'webgl', (inputs, gl, { pairs, scales, kinds, perTensor = false }) => {
    {
      const { count, tensor } = pairsFromInputs<TensorInfo>(inputs, pairs);
      const shapes = Array.from({ length: count }, (_, i) => tensor(0, 0, i).shape);
      const width = blockWidth(shapes.reduce((n, shape) => n + packedTexels(shape), 0));
      // One program per group of tensors within the texture units; each writes its own partials.
      const groups = groupsOf(count, pairs, (p, side, i) => tensor(p, side, i).dataId);
      const partials = groups.map((g) => {
        const sub = Array.from({ length: pairs }, (_, p) => [g.map((i) => tensor(p, 0, i)), g.map((i) => tensor(p, 1, i))] as const);
        const p = plan(sub, kinds, width);
        const info = gl.runWebGLProgram(
          {
            name: PARTIALS,
            variableNames: p.inputs.map((_, i) => `X${i}`),
            outputShape: [2, 2 * p.blocks],
            packedInputs: true,
            packedOutput: true,
            userCode: p.userCode,
          },
          p.inputs,
          'float32',
        );
        return { info, blocks: p.blocks, ranges: p.ranges };
      });
      if (perTensor) {
        const out = gl.runWebGLProgram(
          perTensorProgram(partials),
          partials.map((p) => p.info),
          'float32',
        );
        for (const p of partials) gl.disposeIntermediateTensorInfo(p.info);
        return out;
      }
      const uniforms = scales.map((_, i) => ({ name: `scale${i}`, type: 'float' as const }));
      const out = gl.runWebGLProgram(
        {
          name: ROWS,
          variableNames: partials.map((_, g) => `P${g}`),
          outputShape: [pairs],
          packedInputs: true,
          customUniforms: uniforms,
          userCode: `
            void main() {
              int row = getOutputCoords();
              float acc = 0.0;
              ${partials
                .map(
                  ({ blocks }, g) => `for (int k = 0; k < ${blocks}; k++) {
                vec4 texel = getP${g}(0, 2 * k);
                acc += row == 0 ? texel.x : texel.z;
              }`,
                )
                .join('\n              ')}
              float s = 1.0;
              ${scales.map((_, i) => `if (row == ${i}) s = scale${i};`).join(' ')}
              setOutput(acc * s);
            }`,
        },
        partials.map((p) => p.info),
        'float32',
        scales.map((s) => [s]),
      );
      for (const p of partials) gl.disposeIntermediateTensorInfo(p.info);
      return out;
    }
  });
}

/**
 * The second pass with one sum per tensor (unscaled): a packed vector (two sums a texel, as a packed consumer reads
 * it), each sum over its tensor's blocks in its group's partials.
 */
function perTensorProgram(partials: readonly { blocks: number; ranges: readonly (readonly [number, number])[] }[]) {
  const rows: string[] = [];
  partials.forEach(({ ranges }, g) =>
    ranges.forEach(([start, blocks]) => rows.push(`for (int k = ${start}; k < ${start + blocks}; k++) acc += getP${g}(0, 2 * k).x;`)),
  );
  const count = rows.length;
  return {
    name: ROWS,
    variableNames: partials.map((_, g) => `P${g}`),
    outputShape: [count],
    packedInputs: true,
    packedOutput: true,
    userCode: `
      float rowSum(int row) {
        float acc = 0.0;
        ${rows.map((r, i) => `${i === 0 ? '' : 'else '}if (row == ${i}) { ${r} }`).join('\n        ')}
        return acc;
      }
      void main() {
        int row = getOutputCoords();
        setOutput(vec4(rowSum(row), row + 1 < ${count} ? rowSum(row + 1) : 0.0, 0.0, 0.0));
      }`,
  };
}

/** Texture units a program may sample (tfjs's own limit, as AddN uses it). */
const maxTextures = () => tf.env().getNumber('WEBGL_MAX_TEXTURES_IN_SHADER');

/** Groups of tensor indices whose distinct inputs fit one program. */
function groupsOf(count: number, pairs: number, idOf: (p: number, side: 0 | 1, i: number) => object): number[][] {
  return groupByInputs(count, (i) => Array.from({ length: pairs }, (_, p) => [idOf(p, 0, i), idOf(p, 1, i)]).flat(), maxTextures());
}

/**
 * Whether the WebGL path applies: WebGL, one or two pairs of lists of the same shapes, every tensor of rank ≤ 4,
 * and no more groups of tensors than the second pass can sample (a model of over ~100 tensors goes op by op).
 */
export function webglDotsAvailable(pairs: readonly (readonly [Tensors, Tensors])[]): boolean {
  const ok =
    tf.getBackend() === 'webgl' &&
    internalsUsable() &&
    pairs.length > 0 &&
    pairs.length <= 2 &&
    pairs.every(([a]) => a.length === pairs[0]![0].length && a.every((t, i) => tf.util.arraysEqual(t.shape, pairs[0]![0][i]!.shape))) &&
    pairs[0]![0].length > 0 &&
    pairs.every(([a, b]) => a.every((t, i) => t.rank <= 4 && t.size > 0 && tf.util.arraysEqual(t.shape, b[i]!.shape)));
  return ok && groupsOf(pairs[0]![0].length, pairs.length, (p, side, i) => pairs[p]![side][i]!.dataId).length <= maxTextures();
}

/**
 * One sum per tensor, Σ term(a_i, b_i) of the given kind, as a packed vector of the tensors' count (two WebGL
 * dispatches for every tensor together; check `webglDotsAvailable([[a, b]])` first). A packed program reads sum i as
 * lane x (i even) or y (i odd) of its texel, `getName(i)`.
 */
export function webglSumsPerTensor(a: Tensors, b: Tensors, kind: SumKind): tf.Tensor1D {
  register();
  return runOurKernel<DotsAttrs, tf.Tensor1D>(PARTIALS, pairInputs([[a, b]]), { pairs: 1, scales: [1], kinds: [kind], perTensor: true });
}

/**
 * scale_p · Σ_i sum(a_i ⊙ b_i) for every pair p, as device scalars, in two WebGL dispatches (one more per
 * further group of tensors when they need more texture units than one program has). The pairs' lists
 * must have the same shapes (parameter lists of one model); check `webglDotsAvailable` first.
 */
export function webglDots(
  pairs: readonly (readonly [Tensors, Tensors])[],
  scales: readonly number[] = pairs.map(() => 1),
  kinds: readonly SumKind[] = pairs.map(() => 'dot'),
): Scalar[] {
  register();
  const inputs = pairInputs(pairs);
  // In a tidy: the kernel's vector and the slices are intermediates, only the scalars are returned.
  return tf.tidy(() => {
    const out = runOurKernel<DotsAttrs, tf.Tensor1D>(PARTIALS, inputs, { pairs: pairs.length, scales: [...scales], kinds: [...kinds] });
    if (pairs.length === 1) return [tf.reshape(out, []) as Scalar];
    // Continuous slices of a WebGL tensor are views, not dispatches.
    return pairs.map((_, i) => tf.reshape(tf.slice(out, [i], [1]), []) as Scalar);
  });
}
