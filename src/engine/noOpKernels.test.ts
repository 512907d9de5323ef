import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNoOpKernel, noOpShape } from './noOpKernels';
import { startNodeBackend } from './nodeBackend';

beforeAll(async () => void (await startNodeBackend('wasm')));

const x = () => tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);

describe('no-op kernels answered without a kernel (installed at backend start)', () => {
  it('tells the kernels that return their input’s data from those that do not', () => {
    tf.tidy(() => {
      const t = x();
      expect(isNoOpKernel('Identity', { x: t }, {})).toBe(true);
      expect(isNoOpKernel('Cast', { x: t }, { dtype: 'float32' })).toBe(true);
      expect(isNoOpKernel('Cast', { x: t }, { dtype: 'int32' })).toBe(false);
      expect(isNoOpKernel('Reshape', { x: t }, { shape: [2, 3] })).toBe(true);
      expect(isNoOpKernel('Reshape', { x: t }, { shape: [3, 2] })).toBe(false);
      expect(isNoOpKernel('Reshape', { x: t }, { shape: [2, -1] })).toBe(false);
      // On flat data (WASM, cpu) a Reshape of the same size and an ExpandDims only share the data too.
      expect(noOpShape('Reshape', { x: t }, { shape: [3, -1] }, true)).toEqual([3, 2]);
      expect(noOpShape('Reshape', { x: t }, { shape: [4, -1] }, true)).toBeNull();
      expect(noOpShape('Reshape', { x: t }, { shape: [-1, -1] }, true)).toBeNull();
      expect(noOpShape('ExpandDims', { input: t }, { dim: -1 }, true)).toEqual([2, 3, 1]);
      expect(noOpShape('ExpandDims', { input: t }, { dim: 1 }, false)).toBeNull();
      expect(isNoOpKernel('Neg', { x: t }, {})).toBe(false);
      expect(isNoOpKernel('Identity', { x: tf.tensor1d(['a'], 'string') }, {})).toBe(false);
    });
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: runs no kernel for them, keeps values, tensor counts, first and second derivatives`, async () => {
      expect((await startNodeBackend(backend)).backend).toBe(backend);
      const before = tf.memory().numTensors;
      const dataIds = tf.engine().backend.numDataIds();
      // f(a) = Σ reshape(cast(clone(a)))³ through every no-op: f' = 3a², f'' = 6a.
      const f = (a: tf.Tensor) => tf.sum(tf.pow(tf.reshape(tf.cast(tf.clone(a), 'float32'), a.shape), 3));
      const a = x();
      const profile = await tf.profile(() =>
        tf.tidy(() => {
          const y = tf.reshape(tf.cast(tf.clone(a), 'float32'), [2, 3]);
          expect(y.dataId).toBe(a.dataId);
        }),
      );
      expect(profile.kernels.map((k) => k.name)).toEqual([]);
      const d1 = tf.grad(f)(a);
      const d2 = tf.grad((t: tf.Tensor) => tf.sum(tf.grad(f)(t)))(a);
      expect(Array.from(await d1.data())).toEqual([3, 12, 27, 48, 75, 108]);
      expect(Array.from(await d2.data())).toEqual([6, 12, 18, 24, 30, 36]);
      // A cast that converts still runs its kernel.
      const i = tf.tidy(() => tf.cast(tf.tensor1d([1.7, -2.2]), 'int32'));
      expect(Array.from(await i.data())).toEqual([1, -2]);
      // A reshape to another shape and an expandDims share the data without a kernel here, with the right shape
      // and values, and their gradients hold: g(a) = Σ expandDims(reshape(a, [3, 2]), 0)² → 2a.
      const kinds = (
        await tf.profile(() =>
          tf.tidy(() => {
            const r = tf.expandDims(tf.reshape(a, [3, -1]), 0);
            expect(r.shape).toEqual([1, 3, 2]);
            expect(r.dataId).toBe(a.dataId);
          }),
        )
      ).kernels.map((k) => k.name);
      expect(kinds).toEqual([]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.expandDims(tf.reshape(t, [3, 2]), 0))))(a);
      expect(g.shape).toEqual([2, 3]);
      expect(Array.from(await g.data())).toEqual([2, 4, 6, 8, 10, 12]);
      tf.dispose([a, d1, d2, i, g]);
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    });
  }
});
