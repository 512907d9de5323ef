import type { FromWorker, ToWorker } from '../worker/protocol';
import { setWorkerFactory } from '../worker/spawn';

/** A fake training worker: it records what it is told and says what a test tells it to. */
export interface FakeWorker {
  readonly got: ToWorker[];
  say(msg: FromWorker): void;
  terminated: boolean;
}

/** Makes every new worker a fake, pushed onto the returned list in creation order. */
export function installFakeWorkers(): FakeWorker[] {
  const fakes: FakeWorker[] = [];
  setWorkerFactory(() => {
    const listeners = new Set<(e: { data: unknown }) => void>();
    const fake: FakeWorker = { got: [], terminated: false, say: (msg) => listeners.forEach((l) => l({ data: msg })) };
    fakes.push(fake);
    return {
      postMessage: (msg: unknown) => fake.got.push(msg as ToWorker),
      addEventListener: (type: string, l: (e: { data: unknown }) => void) => void (type === 'message' && listeners.add(l)),
      removeEventListener: (_: string, l: (e: { data: unknown }) => void) => void listeners.delete(l),
      terminate: () => (fake.terminated = true),
    };
  });
  return fakes;
}

/** The run id a fake was started with. */
export const runIdOf = (f: FakeWorker): string => (f.got.find((m) => m.type === 'start') as { runId: string }).runId;

/** The "started" message a worker sends once its backend is up, for the run a fake was started with. */
export const started = (f: FakeWorker, backend: 'cpu' | 'wasm' | 'webgl' | 'webgpu'): FromWorker => ({
  type: 'started',
  runId: runIdOf(f),
  backend,
  fallbackReason: null,
  description: '',
  stepsPerEpoch: 1,
  hyper: {},
  tfjs: '4.22.0',
  adapter: null,
});
