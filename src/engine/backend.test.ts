import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseBackend, type BackendProbe } from './backend';
import './nodeBackend';

/** A browser-like probe: every backend in the bundle, no WebGPU adapter, WebGL rendering as given. */
const probe = (webgl: 'hardware' | 'software' | 'none'): BackendProbe => ({
  registered: ['webgpu', 'webgl', 'wasm', 'cpu'],
  webgpuAdapter: async () => 'none',
  webglRenderer: async () => webgl,
});

describe('the automatic backend without a WebGPU adapter', () => {
  // Leave tfjs on the backend the other tests in this process expect (none was set before: wasm, as nodeBackend's).
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('takes WASM first when WebGL renders in software, and says so', async () => {
    const r = await chooseBackend('auto', probe('software'));
    expect(r.backend).toBe('wasm');
    expect(r.fallbackReason).toBe('no WebGPU adapter; WebGL renders in software here (SwiftShader), where WASM is ~3× faster');
  });

  it('tries WebGL first on a hardware renderer (in Node it cannot start, so WASM, with the reason)', async () => {
    const r = await chooseBackend('auto', probe('hardware'));
    expect(r.backend).toBe('wasm');
    expect(r.fallbackReason).toMatch(/^no WebGPU adapter; webgl (failed to start|did not start)/);
  });

  it('an explicit WebGL choice is still tried first on a software renderer', async () => {
    const r = await chooseBackend('webgl', probe('software'));
    expect(r.fallbackReason).toMatch(/^webgl (failed to start|did not start)/);
  });
});
