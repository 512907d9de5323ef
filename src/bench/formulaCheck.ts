/**
 * The scalar formulas as shaders (src/optim/kernels/scalarFormula.gpu.ts) against the same formulas in float32 on
 * numbers, over every operation and the values that guard them (0, negatives, NaN, ±Inf); then the optimizers
 * whose scalar tails are formulas (Prodigy, D-Adapt Adam), fed the same steps on the GPU and on cpu, and the L1
 * norm of the GPU inner-product kernels against a float64 sum.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { float32Ops, runScalarFormula } from '../optim/kernels/scalarFormula';
import { EVERY_OP } from '../optim/testing/everyOp';
import { makeOptimizer } from '../optim/recipes';
import { parameterSums } from '../optim/tensors';
import { feed, type FedStep } from '../optim/testing/feed';

const VALUES = [0, 1, -2.5, 3e-8, 1e30, NaN, Infinity, -Infinity];

/** Equal as float32 results may differ on a GPU: the same non-finite value, or within `tol` relatively. */
const close = (got: number, want: number, tol: number) =>
  Number.isNaN(want)
    ? Number.isNaN(got)
    : !Number.isFinite(want) || want === 0
      ? got === want
      : Math.abs(got - want) <= tol * Math.abs(want);

/** A zero first gradient (‖s‖₁ = 0: flagged), ordinary steps, then a NaN and an infinite gradient. */
const STEPS = [
  { loss: 9, grad: [0, 0, 0] },
  { loss: 8, grad: [1, -2, 0.5] },
  ...Array.from({ length: 20 }, (_, k) => ({ loss: 2 / (k + 1), grad: [0.2 * Math.cos(k), -0.1 * Math.sin(k), 0.05] })),
  { loss: 5, grad: [NaN, 1, 0] },
  { loss: 3, grad: [Infinity, 1, 0] },
];

export async function runFormulaCheck(target: 'webgl1' | 'webgl2' | 'webgpu'): Promise<{
  backend: string;
  mismatches: string[];
  formulaCases: number;
  trajectories: Record<string, number>;
  l1Rel: number;
  leaked: number;
}> {
  if (target !== 'webgpu') tf.env().set('WEBGL_VERSION', target === 'webgl1' ? 1 : 2);
  const backend = target === 'webgpu' ? 'webgpu' : 'webgl';
  await tf.setBackend(backend);
  await tf.ready();
  const before = tf.memory().numTensors;
  const mismatches: string[] = [];
  let formulaCases = 0;
  for (const a of VALUES)
    for (const b of VALUES) {
      const inputs = { a: tf.scalar(a), b: tf.scalar(b) };
      const out = runScalarFormula(EVERY_OP, inputs);
      const want = EVERY_OP.body(float32Ops, { a: Math.fround(a), b: Math.fround(b) });
      for (const k of EVERY_OP.outputs) {
        const got = (await out[k].data())[0]!;
        if (!close(got, want[k], 1e-6)) mismatches.push(`${k}(${a}, ${b}): ${got}, want ${want[k]}`);
      }
      formulaCases++;
      tf.dispose([inputs.a, inputs.b, ...Object.values(out)]);
    }
  // The optimizers' trajectories, NaN and ±Inf gradients included: the largest relative difference to cpu.
  const trajectories: Record<string, number> = {};
  for (const id of ['prodigy', 'dadapt-adam']) {
    const run = async (b: string): Promise<FedStep[]> => {
      await tf.setBackend(b);
      return feed(makeOptimizer(id), [2, -1, 0.5], STEPS);
    };
    const cpu = await run('cpu');
    const gpu = await run(backend);
    let worst = 0;
    gpu.forEach((step, i) => {
      for (const [k, v] of Object.entries(step)) {
        const want = cpu[i]![k];
        for (const [j, g] of (Array.isArray(v) ? v : [v]).entries()) {
          const w = Array.isArray(want) ? want[j]! : (want as number);
          if (!close(g, w, 1e-3)) mismatches.push(`${id} step ${i} ${k}: ${g}, want ${w}`);
          else if (Number.isFinite(w) && w !== 0) worst = Math.max(worst, Math.abs(g - w) / Math.abs(w));
        }
      }
    });
    trajectories[id] = worst;
  }
  // ‖c‖₁ of packed tensors with odd edges, whose padding is not zero (exp(0) − 1.2).
  const c = [[7], [3, 5], [301, 99]].map((s, i) => tf.tidy(() => tf.sub(tf.exp(tf.randomNormal(s, 0, 1, 'float32', i)), 1.2)));
  const [l1] = parameterSums([{ l1: c }]);
  const values = await Promise.all(c.map((t) => t.data() as Promise<Float32Array>));
  const want = values.reduce((s, v) => v.reduce((t, x) => t + Math.abs(x), s), 0);
  const l1Rel = Math.abs((await l1!.data())[0]! - want) / want;
  tf.dispose([...c, l1!]);
  return { backend: tf.getBackend(), mismatches, formulaCases, trajectories, l1Rel, leaked: tf.memory().numTensors - before };
}
