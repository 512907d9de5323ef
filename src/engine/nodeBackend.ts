import './tfjsFixes';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { chooseBackend, type BackendChoice, type BackendProbe, type BackendChoiceResult } from './backend';
import { taskSpec } from '../tasks/catalogue';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

/** Node offers wasm (SIMD, no threads) and cpu; never tfjs-node, whose install downloads a binary. */
export const nodeProbe: BackendProbe = { registered: ['wasm', 'cpu'], webgpuAdapter: async () => 'none' };

export function startNodeBackend(choice: BackendChoice, task?: string): Promise<BackendChoiceResult> {
  return chooseBackend(choice, nodeProbe, task ? taskSpec(task)?.unsupportedBackends : undefined);
}

export const tfjsVersion = tf.version.tfjs;
