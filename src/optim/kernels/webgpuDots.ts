import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tensors } from '../types';
import { groupByInputs, inputNamer, pairInputs, pairsFromInputs, type DotsAttrs, type SumKind } from './gpuGroups';
import { internalsUsable, registerOurKernel, runOurKernel } from './internals';

/**
 * The WebGPU counterpart of webglDots.ts: scale_p · Σ_i sum(a_i ⊙ b_i) for one or two pairs of parameter lists
 * in a few compute dispatches, where op by op each pair costs a multiply and a reduction per tensor plus an
 * addN (26 dispatches for L4Adam's two on the MNIST MLP; 4 here). The first programs run one workgroup per
 * block of BLOCK elements of one tensor, read each element once for both pairs and reduce in workgroup memory,
 * writing one partial sum per block; the last sums one pair's blocks and scales them (dispatched per pair, so
 * that each result is its own scalar: tfjs-webgpu has no views, a slice would be a dispatch too). Sums are in
 * float32, as tfjs's own.
 */
const KERNEL = 'L4LabWebGPUDots';
const THREADS = 256;
/**
 * Elements one workgroup sums (128 per thread). Fewer, fuller workgroups: the tree reduction at the end of each
 * is the costly part on software adapters, and tfjs's own sum uses one workgroup per tensor.
 */
const BLOCK = THREADS * 128;

/**
 * WebGPU guarantees 8 storage buffers per shader stage, one of them the output: a program reads at most 7
 * distinct tensors. The tensors are split into groups within that, and every group's program writes its
 * blocks into one shared partials buffer.
 */
const MAX_INPUTS = 7;

interface Part {
  /** Elements of the tensor, its first block in the partials, and its inputs' names per pair. */
  readonly size: number;
  readonly firstBlock: number;
  readonly names: readonly (readonly [string, string])[];
  readonly kinds: readonly SumKind[];
}

/** One element's term of one pair. */
function termOf(kind: SumKind, a: string, b: string): string {
  if (kind === 'abs') return `abs(${a})`;
  if (kind === 'agree') return `select(0.0, 1.0, ${a} * ${b} > 0.0)`;
  if (kind === 'signAgree') return `select(0.0, 1.0, sign(${a}) * ${b} > 0.0)`;
  return `${a} * ${b}`;
}

function partialsProgram(parts: readonly Part[], variableNames: string[], totalBlocks: number, rows: number) {
  const firstBlock = parts[0]!.firstBlock;
  let offset = 0;
  const branches = parts.map((part, i) => {
    const blocks = Math.ceil(part.size / BLOCK);
    const sums = part.names.map(([a, b], p) => `acc${p} = acc${p} + ${termOf(part.kinds[p]!, `${a}[j]`, `${b}[j]`)};`).join(' ');
    const code = `${i === 0 ? '' : 'else '}if (w < ${offset + blocks}) {
          let start = (w - ${offset}) * ${BLOCK};
          let stop = min(start + ${BLOCK}, ${part.size});
          for (var j = start + lid; j < stop; j = j + ${THREADS}) { ${sums} }
        }`;
    offset += blocks;
    return code;
  });
  return {
    name: KERNEL,
    variableNames,
    outputShape: [rows, totalBlocks],
    shaderKey: `L4LabWebGPUDots_${totalBlocks}_${firstBlock}_${parts.map((p) => `${p.size}:${p.names.map((n, q) => `${p.kinds[q]}:${n.join('')}`).join('.')}`).join('_')}`,
    dispatchLayout: { x: [0, 1] },
    dispatch: [offset, 1, 1],
    workgroupSize: [THREADS, 1, 1],
    getUserCode: () => `
      var<workgroup> shared0 : array<f32, ${THREADS}>;
      var<workgroup> shared1 : array<f32, ${THREADS}>;
      fn main(index : i32) {
        // tfjs binds the uniforms buffer to every program; an unused one would be left out of the layout.
        _ = uniforms.NAN;
        let w = i32(workgroupId.x);
        let lid = i32(localId.x);
        var acc0 = 0.0;
        var acc1 = 0.0;
        ${branches.join('\n        ')}
        shared0[lid] = acc0;
        shared1[lid] = acc1;
        workgroupBarrier();
        for (var s = ${THREADS / 2}; s > 0; s = s / 2) {
          if (lid < s) {
            shared0[lid] = shared0[lid] + shared0[lid + s];
            shared1[lid] = shared1[lid] + shared1[lid + s];
          }
          workgroupBarrier();
        }
        if (lid == 0) {
          setOutputAtIndex(${firstBlock} + w, shared0[0]);
          ${rows === 2 ? `setOutputAtIndex(${totalBlocks + firstBlock} + w, shared1[0]);` : ''}
        }
      }`,
  };
}

function rowSumProgram(blocks: number) {
  return {
    name: KERNEL,
    variableNames: ['P'],
    outputShape: [],
    shaderKey: `L4LabWebGPURowSum_${blocks}`,
    dispatchLayout: { x: [] },
    dispatch: [1, 1, 1],
    workgroupSize: [THREADS, 1, 1],
    uniforms: 'row : i32, scale : f32,',
    getUserCode: () => `
      var<workgroup> shared0 : array<f32, ${THREADS}>;
      fn main(index : i32) {
        let lid = i32(localId.x);
        var acc = 0.0;
        for (var k = lid; k < ${blocks}; k = k + ${THREADS}) { acc = acc + P[uniforms.row * ${blocks} + k]; }
        shared0[lid] = acc;
        workgroupBarrier();
        for (var s = ${THREADS / 2}; s > 0; s = s / 2) {
          if (lid < s) { shared0[lid] = shared0[lid] + shared0[lid + s]; }
          workgroupBarrier();
        }
        if (lid == 0) { setOutputAtIndex(0, shared0[0] * uniforms.scale); }
      }`,
  };
}

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  registerOurKernel<'webgpu', DotsAttrs>(KERNEL, 'webgpu', (inputs, gpu, { pairs, scales, kinds }) => {
    {
      const { count, tensor } = pairsFromInputs<TensorInfo>(inputs, pairs);
      const tensorsOf = (i: number) => Array.from({ length: pairs }, (_, p) => [tensor(p, 0, i), tensor(p, 1, i)] as const);
      const sizes = Array.from({ length: count }, (_, i) => tf.util.sizeFromShape(tensor(0, 0, i).shape));
      const totalBlocks = sizes.reduce((n, size) => n + Math.ceil(size / BLOCK), 0);
      const partials = gpu.makeTensorInfo([pairs, totalBlocks], 'float32');
      // Groups of tensors whose distinct inputs fit one program (‖v‖² reads v once).
      const firstBlocks = sizes.map((_, i) => sizes.slice(0, i).reduce((n, size) => n + Math.ceil(size / BLOCK), 0));
      for (const g of groupByInputs(
        count,
        (i) =>
          tensorsOf(i)
            .flat()
            .map((t) => t.dataId),
        MAX_INPUTS,
      )) {
        const { inputs: groupInputs, nameOf } = inputNamer<TensorInfo>();
        const parts = g.map((i) => ({
          size: sizes[i]!,
          firstBlock: firstBlocks[i]!,
          names: tensorsOf(i).map(([a, b]) => [nameOf(a), nameOf(b)] as const),
          kinds,
        }));
        gpu.runWebGPUProgram(
          partialsProgram(
            parts,
            groupInputs.map((_, k) => `X${k}`),
            totalBlocks,
            pairs,
          ),
          groupInputs,
          'float32',
          undefined,
          partials,
        );
      }
      const out = scales.map((scale, row) =>
        gpu.runWebGPUProgram(rowSumProgram(totalBlocks), [partials], 'float32', [
          { type: 'int32', data: [row] },
          { type: 'float32', data: [scale] },
        ]),
      );
      gpu.disposeData(partials.dataId);
      return out;
    }
  });
}

/** Whether the WebGPU path applies: WebGPU, one or two pairs of float32 lists of the same sizes. */
export function webgpuDotsAvailable(pairs: readonly (readonly [Tensors, Tensors])[]): boolean {
  return (
    tf.getBackend() === 'webgpu' &&
    internalsUsable() &&
    pairs.length > 0 &&
    pairs.length <= 2 &&
    pairs[0]![0].length > 0 &&
    pairs.every(
      ([a, b]) =>
        a.length === pairs[0]![0].length &&
        a.every((t, i) => t.dtype === 'float32' && t.size > 0 && t.size === pairs[0]![0][i]!.size && b[i]!.size === t.size),
    )
  );
}

/** scale_p · Σ_i sum(a_i ⊙ b_i) for every pair p, as device scalars (check `webgpuDotsAvailable` first). */
export function webgpuDots(
  pairs: readonly (readonly [Tensors, Tensors])[],
  scales: readonly number[] = pairs.map(() => 1),
  kinds: readonly SumKind[] = pairs.map(() => 'dot'),
): Scalar[] {
  register();
  const inputs = pairInputs(pairs);
  return runOurKernel<DotsAttrs, Scalar[]>(KERNEL, inputs, { pairs: pairs.length, scales: [...scales], kinds: [...kinds] });
}
