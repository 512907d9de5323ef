import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNodeBackend } from './nodeBackend';
import { broadcastBatchIndex, wasmMatMulPaths } from './wasmMatMul';
import { makeRng } from '../lib/rng';

beforeAll(async () => {
  expect((await startNodeBackend('wasm')).backend).toBe('wasm');
});

type Path = keyof typeof wasmMatMulPaths;
interface Case {
  a: number[];
  b: number[];
  ta?: boolean;
  tb?: boolean;
  path: Path;
  /**
   * tfjs's cpu backend takes an operand's batch as the output's batch index modulo its batch size, which is
   * wrong when both operands broadcast ([2,1] against [1,3]); only the float64 product is compared then.
   */
  cpuDiffers?: boolean;
}

/** Float64 product with tfjs's semantics (transposes of the last two axes, broadcast batch axes) and Σ|a||b|. */
function reference(a: Float32Array, as: number[], b: Float32Array, bs: number[], ta: boolean, tb: boolean) {
  const [ra, rb] = [as.length, bs.length];
  const m = ta ? as[ra - 1]! : as[ra - 2]!;
  const k = ta ? as[ra - 2]! : as[ra - 1]!;
  const n = tb ? bs[rb - 2]! : bs[rb - 1]!;
  const outBatch = tf.backend_util.assertAndGetBroadcastShape(as.slice(0, -2), bs.slice(0, -2));
  const ia = broadcastBatchIndex(as.slice(0, -2), outBatch);
  const ib = broadcastBatchIndex(bs.slice(0, -2), outBatch);
  const size = ia.length;
  const value = new Float64Array(size * m * n);
  const magnitude = new Float64Array(size * m * n);
  for (let o = 0; o < size; o++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        let mag = 0;
        for (let p = 0; p < k; p++) {
          const x = a[ia[o]! * m * k + (ta ? p * m + i : i * k + p)]!;
          const y = b[ib[o]! * k * n + (tb ? j * k + p : p * n + j)]!;
          s += x * y;
          mag += Math.abs(x * y);
        }
        value[(o * m + i) * n + j] = s;
        magnitude[(o * m + i) * n + j] = mag;
      }
  return { value, magnitude, shape: [...outBatch, m, n], k };
}

describe('BatchMatMul on wasm (every sizeable product through XNNPACK)', () => {
  // Shapes of the MNIST MLP's three products and of the DNC's, transposes, batches, broadcasting and sizes 1.
  const cases: Case[] = [
    { a: [64, 784], b: [784, 300], path: 'stock' },
    { a: [64, 784], b: [64, 300], ta: true, path: 'folded' },
    { a: [64, 300], b: [784, 300], tb: true, path: 'folded' },
    { a: [300, 64], b: [100, 300], ta: true, tb: true, path: 'folded' },
    { a: [16, 134], b: [16, 256], ta: true, path: 'folded' },
    { a: [5, 40, 33], b: [33, 30], path: 'folded' },
    { a: [2, 3, 33, 40], b: [30, 33], ta: true, tb: true, path: 'folded' },
    { a: [4, 40, 50], b: [1, 50, 30], path: 'folded' },
    { a: [3, 40, 50], b: [3, 30, 50], tb: true, path: 'perBatch' },
    { a: [2, 1, 50, 40], b: [1, 3, 50, 30], ta: true, path: 'perBatch', cpuDiffers: true },
    { a: [40, 50], b: [4, 50, 30], path: 'perBatch' },
    { a: [1, 4096], b: [4096, 16], ta: false, tb: false, path: 'stock' },
    { a: [4096, 1], b: [16, 4096], ta: true, tb: true, path: 'folded' },
    { a: [64, 1024], b: [1, 1024], tb: true, path: 'folded' },
    { a: [1, 64, 1024], b: [1, 1024, 1], path: 'stock' },
    { a: [16, 4, 16], b: [16, 16, 16], tb: true, path: 'stock' },
    { a: [16, 16, 1], b: [16, 16, 1], ta: true, path: 'stock' },
    { a: [7, 1], b: [1, 5], path: 'stock' },
  ];
  const rng = makeRng(11, 'matmul');
  const random = (shape: number[]) => Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => rng.uniform() * 2 - 1);

  for (const c of cases) {
    const name = `${JSON.stringify(c.a)}${c.ta ? 'ᵀ' : ''} · ${JSON.stringify(c.b)}${c.tb ? 'ᵀ' : ''}`;
    it(`${name}: cpu's and the float64 product within float32 rounding, through ${c.path}`, async () => {
      const av = random(c.a);
      const bv = random(c.b);
      const ref = reference(av, c.a, bv, c.b, !!c.ta, !!c.tb);
      const results: Record<string, { data: Float32Array; shape: number[] }> = {};
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const dataIds = tf.engine().backend.numDataIds();
        const paths = { ...wasmMatMulPaths };
        const [a, b] = [tf.tensor(av, c.a), tf.tensor(bv, c.b)];
        const out = tf.matMul(a, b, c.ta, c.tb);
        results[backend] = { data: (await out.data()) as Float32Array, shape: out.shape };
        tf.dispose([a, b, out]);
        expect(tf.memory().numTensors).toBe(before);
        expect(tf.engine().backend.numDataIds()).toBe(dataIds);
        if (backend === 'wasm') {
          const taken = (Object.keys(paths) as Path[]).filter((p) => wasmMatMulPaths[p] !== paths[p]);
          expect(taken).toEqual([c.path]);
        }
      }
      // A float32 sum of k products is within k·2⁻²³·Σ|aᵢbᵢ| of the exact one (plus a little for the products).
      const bound = (i: number) => (ref.k + 2) * 2 ** -23 * ref.magnitude[i]! + 1e-30;
      for (const backend of c.cpuDiffers ? ['wasm'] : ['wasm', 'cpu']) {
        const r = results[backend]!;
        expect(r.shape, backend).toEqual(ref.shape);
        let worst = 0;
        r.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref.value[i]!) / bound(i))));
        expect(worst, backend).toBeLessThanOrEqual(1);
      }
    });
  }

  it('keeps tfjs’s error for mismatched inner sizes', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      expect(() => tf.matMul(tf.zeros([64, 300]), tf.zeros([64, 300]), false, true)).not.toThrow();
      expect(() => tf.matMul(tf.zeros([64, 300]), tf.zeros([64, 301]), true, true)).toThrow(/inner shapes/);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('broadcastBatchIndex', () => {
  it('maps each output batch to the operand’s batch, size-1 axes and missing leading axes broadcast', () => {
    expect(broadcastBatchIndex([2, 1], [2, 3])).toEqual([0, 0, 0, 1, 1, 1]);
    expect(broadcastBatchIndex([1, 3], [2, 3])).toEqual([0, 1, 2, 0, 1, 2]);
    expect(broadcastBatchIndex([3], [2, 3])).toEqual([0, 1, 2, 0, 1, 2]);
    expect(broadcastBatchIndex([], [2])).toEqual([0, 0]);
  });
});

describe('training gradients on wasm against cpu', () => {
  /** Every gradient of `loss` on both backends, from the same values. */
  async function bothBackends(build: () => { vars: tf.Variable[]; loss: () => tf.Scalar; dispose: () => void }) {
    const out: Record<string, Float32Array[]> = {};
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const net = build();
      const { value, grads } = tf.variableGrads(net.loss, net.vars);
      out[backend] = [
        (await value.data()) as Float32Array,
        ...(await Promise.all(net.vars.map((v) => grads[v.name]!.data()))),
      ] as Float32Array[];
      tf.dispose([value, ...Object.values(grads)]);
      net.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    // Each gradient within 1e-4 of its largest entry: float32 sums in another order, nothing more.
    out.cpu!.forEach((c, i) => {
      const w = out.wasm![i]!;
      const scale = c.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
      let worst = 0;
      c.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - w[j]!) / scale)));
      expect(worst, `tensor ${i}`).toBeLessThan(1e-4);
    });
  }

  it('the MNIST MLP (784-300-100-10, batch 64): loss and every gradient', async () => {
    const rng = makeRng(5, 'mlp');
    const values = (n: number, s: number) => Float32Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * s);
    const x = values(64 * 784, 1);
    const labels = Array.from({ length: 64 }, (_, i) => i % 10);
    const w = [
      values(784 * 300, 0.08),
      values(300, 0.1),
      values(300 * 100, 0.14),
      values(100, 0.1),
      values(100 * 10, 0.3),
      values(10, 0.1),
    ];
    const shapes = [[784, 300], [300], [300, 100], [100], [100, 10], [10]];
    await bothBackends(() => {
      const vars = w.map((v, i) => tf.tidy(() => tf.variable(tf.tensor(v, shapes[i]!))));
      const xs = tf.tensor2d(x, [64, 784]);
      const ys = tf.oneHot(labels, 10);
      const loss = () => {
        const h1 = tf.relu(tf.add(tf.matMul(xs, vars[0]!), vars[1]!));
        const h2 = tf.relu(tf.add(tf.matMul(h1, vars[2]!), vars[3]!));
        return tf.losses.softmaxCrossEntropy(ys, tf.add(tf.matMul(h2, vars[4]!), vars[5]!)) as tf.Scalar;
      };
      return { vars, loss, dispose: () => tf.dispose([...vars, xs, ys]) };
    });
  });
});
