import '../engine/tfjsFixes';
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendProbe } from '../engine/backend';
import { datasetSpec } from '../tasks/data/catalogue';
import { isGzip } from '../tasks/data/idx';
import { loadDataset } from '../tasks/data/load';
import { droppedSource } from './labDb';
import type { DataSource, TaskData } from '../tasks';
import type { WorkerEnv } from './endpoint';

// Without explicit paths the server answers index.html and WASM init fails ("expected magic word").
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
// The threaded build gains nothing here: every run has its own worker on its own core, and its own pthreads
// would only compete with the other runs; and it fails to start inside a minified worker bundle.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string };
}

/** WebGPU's adapter in this browser: real hardware, a software fallback (SwiftShader), or none. */
async function requestAdapter(): Promise<GpuAdapterLike | null> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  return gpu ? gpu.requestAdapter().catch(() => null) : null;
}

/** Hardware, or a software fallback (flagged as one, or named like SwiftShader or llvmpipe). */
function kindOf(adapter: GpuAdapterLike): 'hardware' | 'fallback' {
  const i = adapter.info ?? {};
  const software = /swiftshader|llvmpipe|software/i.test(`${i.vendor ?? ''} ${i.architecture ?? ''} ${i.description ?? ''}`);
  return i.isFallbackAdapter || adapter.isFallbackAdapter || software ? 'fallback' : 'hardware';
}

export const browserProbe: BackendProbe = {
  registered: ['webgpu', 'webgl', 'wasm', 'cpu'],
  /** The adapter in words; "(fallback)" at the end exactly when `webgpuAdapter` says 'fallback'. */
  async describeAdapter() {
    const adapter = await requestAdapter();
    if (!adapter) return null;
    const i = adapter.info ?? {};
    const text = [i.vendor, i.architecture, i.description].filter(Boolean).join(' ');
    return `${text || 'unknown adapter'}${kindOf(adapter) === 'fallback' ? ' (fallback)' : ''}`;
  },
  async webgpuAdapter() {
    const adapter = await requestAdapter();
    return adapter ? kindOf(adapter) : 'none';
  },
  async webglRenderer() {
    return webglRenderer();
  },
};

/**
 * WebGL's renderer in this worker: a context that refuses `failIfMajorPerformanceCaveat` (the browser's own word
 * for software rendering) or a renderer named like SwiftShader or llvmpipe is software. The probe's contexts are
 * released at once.
 */
function webglRenderer(): 'hardware' | 'software' | 'none' {
  if (typeof OffscreenCanvas === 'undefined') return 'none';
  const context = (caveat: boolean) => {
    const attributes = { failIfMajorPerformanceCaveat: caveat };
    const c = new OffscreenCanvas(1, 1);
    return (c.getContext('webgl2', attributes) ?? c.getContext('webgl', attributes)) as WebGLRenderingContext | null;
  };
  const release = (gl: WebGLRenderingContext) => gl.getExtension('WEBGL_lose_context')?.loseContext();
  try {
    const fast = context(true);
    if (fast) {
      const info = fast.getExtension('WEBGL_debug_renderer_info');
      const name = info ? String(fast.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
      release(fast);
      return /swiftshader|llvmpipe|software/i.test(name) ? 'software' : 'hardware';
    }
    const slow = context(false);
    if (!slow) return 'none';
    release(slow);
    return 'software';
  } catch {
    return 'none';
  }
}

/** Reads a dataset file the dev/preview server provides (gzipped IDX under /data/). */
export function serverSource(folder: string): DataSource {
  return async (file) => {
    const url = `${import.meta.env.BASE_URL}data/${folder}/${file}.gz`;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: the server answered ${res.status} ${res.statusText}.`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // A server may send the .gz with Content-Encoding: gzip, so the browser has already inflated it.
    if (!isGzip(bytes)) return bytes;
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  };
}

const cache: Partial<Record<keyof TaskData, Promise<TaskData>>> = {};

export const browserEnv: WorkerEnv = {
  probe: browserProbe,
  loadData(dataset) {
    cache[dataset] ??= (async (): Promise<TaskData> => {
      const spec = datasetSpec(dataset)!;
      // Files the user dropped into the page come first, then the server's copy.
      const dropped = spec.droppable ? await droppedSource(dataset) : null;
      if (dropped) return { [dataset]: await loadDataset(spec, dropped.read, dropped.files) };
      if (spec.serverFolder === null)
        throw new Error(`${spec.title} comes from your own files: drop ${spec.dropHint} into the page first.`);
      return { [dataset]: await loadDataset(spec, serverSource(spec.serverFolder)) };
    })();
    // A failed load is not cached: the user may drop the files and try again.
    cache[dataset]!.catch(() => delete cache[dataset]);
    return cache[dataset]!;
  },
};
