import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { startNodeBackend } from './nodeBackend';

/** `f`'s values on the cpu backend and on WASM, each with no tensor left behind. */
async function onCpuAndWasm(f: () => tf.Tensor): Promise<[number[], number[]]> {
  const out: number[][] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    expect((await startNodeBackend(backend)).backend).toBe(backend);
    const before = tf.memory().numTensors;
    const y = tf.tidy(f);
    out.push(Array.from(await y.data()));
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }
  return out as [number[], number[]];
}

describe("WASM's Sign, Greater, Sqrt, Slice and SplitV over the heap (engine/wasmKernels.ts)", () => {
  it('gives what the cpu backend gives: random values, ±0, ±∞, NaN; any shape; no tensor left', async () => {
    const rng = Array.from(
      { length: 1003 },
      (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453) - 0.5,
    );
    const values = [...rng, 0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45];
    const [cpu, wasm] = await onCpuAndWasm(() => tf.sign(tf.reshape(tf.tensor1d(values), [values.length / 5, 5])));
    expect(wasm).toEqual(cpu);
    expect(wasm.slice(-7)).toEqual([0, 0, 1, -1, 0, 1, -1]);
    // int32 inputs keep the stock kernel.
    const i = tf.sign(tf.tensor1d([3, -2, 0], 'int32'));
    expect(Array.from(await i.data())).toEqual([1, -1, 0]);
    i.dispose();
  });

  it('Greater against a scalar gives what the cpu backend gives (NaN compares false); other shapes broadcast as before', async () => {
    const values = [-2, -0, 0, 1e-45, 3, Infinity, -Infinity, NaN, 0.5];
    const greater = async (backend: 'wasm' | 'cpu') => {
      expect((await startNodeBackend(backend)).backend).toBe(backend);
      const before = tf.memory().numTensors;
      const [s, m] = tf.tidy(() => {
        const x = tf.reshape(tf.tensor1d(values), [3, 3]);
        return [tf.greater(x, 0), tf.greater(x, tf.tensor1d([0, 1, -1]))];
      });
      const out = [Array.from(await s!.data()), Array.from(await m!.data()), s!.dtype];
      tf.dispose([s!, m!]);
      expect(tf.memory().numTensors).toBe(before);
      return out;
    };
    const cpu = await greater('cpu');
    const wasm = await greater('wasm');
    expect(wasm).toEqual(cpu);
    expect(wasm[0]).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 1]);
    expect(wasm[2]).toBe('bool');
  });

  it('Sqrt gives what the cpu backend gives (correctly rounded; NaN below 0), any length', async () => {
    const values = [...Array.from({ length: 1001 }, (_, i) => (i * 7.31) % 97.3), 0, -0, Infinity, -1, -Infinity, NaN, 1e-45, 3e38];
    const [cpu, wasm] = await onCpuAndWasm(() => tf.sqrt(tf.tensor1d(values)));
    expect(wasm).toEqual(cpu);
    expect(wasm.slice(-8, -3)).toEqual([0, -0, Infinity, NaN, NaN]);
    const profile = await tf.profile(() => tf.sqrt(tf.tensor1d(values)));
    expect(profile.kernels.map((k) => k.name)).toContain('Sqrt');
    tf.dispose(profile.result as tf.Tensor);
  });

  it('Slice and SplitV give what the cpu backend gives: every rank 1–5, contiguous and strided parts, int32 and bool', async () => {
    const shapes = [[7], [4, 9], [3, 5, 40], [2, 3, 4, 5], [2, 2, 3, 2, 3]];
    for (const shape of shapes) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => i * 1.5 - 7);
      // Every axis: a part from 1 to the end, and the whole axis but one off each end; then -1 sizes.
      const parts = (x: tf.Tensor) =>
        shape.flatMap((d, axis) => {
          const begin = shape.map(() => 0);
          const size = [...shape];
          begin[axis] = Math.min(1, d - 1);
          size[axis] = Math.max(d - 2, 1);
          return [
            tf.slice(x, begin, size),
            tf.slice(
              x,
              begin,
              shape.map(() => -1),
            ),
            ...tf.split(x, d > 2 ? [1, d - 2, 1] : d, axis),
          ];
        });
      const flat = (x: tf.Tensor) => tf.concat(parts(x).map((p) => tf.reshape(p, [-1])));
      const [cpu, wasm] = await onCpuAndWasm(() => flat(tf.tensor(values, shape)));
      expect(wasm).toEqual(cpu);
      expect(wasm.length).toBeGreaterThan(n);
      const [cpuInt, wasmInt] = await onCpuAndWasm(() => tf.cast(flat(tf.tensor(values.map(Math.round), shape, 'int32')), 'float32'));
      expect(wasmInt).toEqual(cpuInt);
      const [cpuBool, wasmBool] = await onCpuAndWasm(() => tf.cast(flat(tf.greater(tf.tensor(values, shape), 0)), 'float32'));
      expect(wasmBool).toEqual(cpuBool);
    }
    // A part of [4, 9] by hand: rows 1–2, columns 3–5.
    const [, hand] = await onCpuAndWasm(() => tf.slice(tf.reshape(tf.range(0, 36), [4, 9]), [1, 3], [2, 3]));
    expect(hand).toEqual([12, 13, 14, 21, 22, 23]);
  });
});
