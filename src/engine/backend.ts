import * as tf from '@tensorflow/tfjs';

/** A tfjs backend the lab can train on, and the user's choice among them. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

/** What the environment offers, probed once (browser: navigator.gpu; Node: nothing but wasm and cpu). */
export interface BackendProbe {
  /** 'hardware', 'fallback' (a software adapter such as SwiftShader) or 'none'. */
  webgpuAdapter(): Promise<'hardware' | 'fallback' | 'none'>;
  /** Backends registered in this bundle. */
  readonly registered: readonly BackendName[];
  /** A description of the GPU adapter, for run bundles (null where there is none). */
  describeAdapter?(): Promise<string | null>;
  /**
   * WebGL's renderer: 'hardware', 'software' (SwiftShader, llvmpipe: a context only without
   * failIfMajorPerformanceCaveat) or 'none'. Asked only when there is no WebGPU adapter; absent: taken as hardware.
   */
  webglRenderer?(): Promise<'hardware' | 'software' | 'none'>;
}

export interface BackendChoiceResult {
  readonly backend: BackendName;
  /** Why the backend in use is not the first one tried, or null. */
  readonly fallbackReason: string | null;
}

/**
 * Picks and starts a backend. Auto: WebGPU on a hardware adapter; on a fallback adapter (SwiftShader) WASM,
 * which is ~13× faster there, then WebGL, then CPU; with no adapter WebGL, then WASM, then CPU, unless WebGL too
 * renders in software: WASM first then. An explicit choice is honoured when it
 * starts. `tf.setBackend` that fails only warns and leaves another backend active, so `tf.getBackend()` is
 * checked after each attempt, and every failure is named in the reason. Backends the task cannot use
 * (`unsupported`) are skipped, with their reason when they were the first choice.
 */
export async function chooseBackend(
  choice: BackendChoice,
  probe: BackendProbe,
  unsupported: Readonly<Partial<Record<BackendName, string>>> = {},
): Promise<BackendChoiceResult> {
  const reasons: string[] = [];
  let order: BackendName[];
  if (choice === 'auto') {
    const adapter = probe.registered.includes('webgpu') ? await probe.webgpuAdapter() : 'none';
    if (adapter === 'hardware') order = ['webgpu', 'webgl', 'wasm', 'cpu'];
    else if (adapter === 'fallback') {
      reasons.push('the WebGPU adapter is a software fallback (SwiftShader), where WASM is ~13× faster');
      order = ['wasm', 'webgl', 'cpu'];
    } else {
      if (probe.registered.includes('webgpu')) reasons.push('no WebGPU adapter');
      const webgl = probe.registered.includes('webgl') && probe.webglRenderer ? await probe.webglRenderer() : 'hardware';
      if (webgl === 'software') {
        // Measured here (Chromium without WebGPU, SwiftShader's WebGL): the MNIST MLP at 170–220 ms a step on
        // WebGL against 56–58 on WASM.
        reasons.push('WebGL renders in software here (SwiftShader), where WASM is ~3× faster');
        order = ['wasm', 'webgl', 'cpu'];
      } else order = ['webgl', 'wasm', 'cpu'];
    }
  } else order = [choice, ...(['webgpu', 'webgl', 'wasm', 'cpu'] as const).filter((b) => b !== choice)];
  for (const name of order) {
    const why = unsupported[name];
    if (why !== undefined) {
      if (name === choice || probe.registered.includes(name)) reasons.push(`not ${name}: ${why}`);
      continue;
    }
    if (!probe.registered.includes(name)) {
      if (name === choice) reasons.push(`${name} is not available here`);
      continue;
    }
    let ok = false;
    try {
      ok = await tf.setBackend(name);
      if (ok) await tf.ready();
    } catch (e) {
      reasons.push(`${name} failed to start: ${(e as Error).message}`);
      continue;
    }
    if (ok && tf.getBackend() === name) {
      return { backend: name, fallbackReason: reasons.length > 0 ? reasons.join('; ') : null };
    }
    reasons.push(`${name} did not start (tf.setBackend returned ${ok}, active: ${tf.getBackend()})`);
  }
  throw new Error(`No tfjs backend could start: ${reasons.join('; ')}.`);
}
