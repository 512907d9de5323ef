/** Test helper: workers that run in this process (a MessageChannel to `serve`), on the cpu backend, no data. */
import { MessageChannel } from 'node:worker_threads';
import { serve } from '../worker/endpoint';
import type { Endpoint } from '../worker/protocol';

export const TEST_WORKER_ENV = {
  probe: { registered: ['cpu'] as const, webgpuAdapter: async () => 'none' as const },
  loadData: async () => ({}),
  flushMs: 5,
};

/** A factory for `setWorkerFactory`: each call serves a fresh in-process "worker"; `onSpawn`/`onEnd` count them. */
export function inProcessWorkers(hooks: { onSpawn?(): void; onEnd?(): void } = {}): () => Endpoint & { terminate(): void } {
  return () => {
    const { port1, port2 } = new MessageChannel();
    const stop = serve(port1 as unknown as Endpoint, TEST_WORKER_ENV);
    hooks.onSpawn?.();
    return Object.assign(port2 as unknown as Endpoint, {
      terminate() {
        hooks.onEnd?.();
        stop();
        port1.close();
        port2.close();
      },
    });
  };
}
