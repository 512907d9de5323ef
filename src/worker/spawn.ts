import type { Endpoint } from './protocol';

/** A training worker as the page holds it: an endpoint it can terminate. */
export type WorkerLike = Endpoint & { terminate(): void };

let workerFactory: () => WorkerLike = () =>
  new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike;

/** Tests only: replaces the factory (e.g. with the runtime over a MessageChannel in Node). */
export function setWorkerFactory(f: () => WorkerLike): void {
  workerFactory = f;
}

/** A new training worker. */
export function createWorker(): WorkerLike {
  return workerFactory();
}
