import { create } from 'zustand';
import type { RunStatus } from '../engine/runner';
import type { BackendName, RunConfig } from '../worker/protocol';
import { RunClient } from '../worker/client';
import type { Endpoint } from '../worker/protocol';
import { appendChunk, clearTrace } from './traces';

/** What the page shows about a run (its trace lives in state/traces, outside React). */
export interface RunMeta {
  readonly id: string;
  readonly config: RunConfig;
  readonly status: RunStatus | 'starting';
  readonly backend: BackendName | null;
  readonly fallbackReason: string | null;
  readonly description: string;
  readonly step: number;
  readonly lastLoss: number | null;
  readonly lastEta: number | null;
  readonly divergedAt: number | null;
  readonly reason: string | null;
  readonly errors: readonly string[];
  readonly hyper: Readonly<Record<string, number>>;
}

interface RunsState {
  readonly runs: Readonly<Record<string, RunMeta>>;
  readonly order: readonly string[];
  startRun(config: RunConfig, opts?: { paused?: boolean }): string;
  command(id: string, cmd: 'pause' | 'resume' | 'stop' | { step: number } | { setHyper: Record<string, number> }): void;
  removeRun(id: string): void;
}

/** One worker per run; created by the page, replaced in tests. */
export type WorkerFactory = () => Endpoint & { terminate(): void };
let workerFactory: WorkerFactory = () =>
  new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module' }) as unknown as Endpoint & { terminate(): void };
export function setWorkerFactory(f: WorkerFactory): void {
  workerFactory = f;
}

const clients = new Map<string, { client: RunClient; worker: Endpoint & { terminate(): void } }>();
let counter = 0;

export const useRuns = create<RunsState>()((set, get) => {
  const patch = (id: string, p: Partial<RunMeta>) =>
    set((s) => (s.runs[id] ? { runs: { ...s.runs, [id]: { ...s.runs[id]!, ...p } } } : s));
  return {
    runs: {},
    order: [],
    startRun(config, opts = {}) {
      const id = `r${++counter}`;
      const worker = workerFactory();
      const client = new RunClient(worker, id);
      clients.set(id, { client, worker });
      set((s) => ({
        order: [...s.order, id],
        runs: {
          ...s.runs,
          [id]: {
            id,
            config,
            status: 'starting',
            backend: null,
            fallbackReason: null,
            description: '',
            step: 0,
            lastLoss: null,
            lastEta: null,
            divergedAt: null,
            reason: null,
            errors: [],
            hyper: {},
          },
        },
      }));
      client.start(
        config,
        {
          onStarted: (m) => patch(id, { backend: m.backend, fallbackReason: m.fallbackReason, description: m.description, hyper: m.hyper }),
          onChunk: (c) => {
            appendChunk(id, c);
            if (c.length > 0) {
              const last = c.length - 1;
              patch(id, { step: c.columns.step[last]! + 1, lastLoss: c.columns.loss[last]!, lastEta: c.columns.effectiveLr[last]! });
            }
            for (const e of c.events) patch(id, { hyper: { ...get().runs[id]!.hyper, ...e.patch } });
          },
          onStatus: (m) => patch(id, { status: m.status, divergedAt: m.divergedAt, reason: m.reason ?? null }),
          onError: (message) => patch(id, { errors: [...(get().runs[id]?.errors ?? []), message] }),
        },
        opts,
      );
      return id;
    },
    command(id, cmd) {
      const c = clients.get(id)?.client;
      if (!c) return;
      if (cmd === 'pause') c.pause();
      else if (cmd === 'resume') c.resume();
      else if (cmd === 'stop') c.stop();
      else if ('step' in cmd) c.step(cmd.step);
      else c.setHyper(cmd.setHyper);
    },
    removeRun(id) {
      const c = clients.get(id);
      c?.client.dispose();
      c?.worker.terminate();
      clients.delete(id);
      clearTrace(id);
      set((s) => {
        const runs = { ...s.runs };
        delete runs[id];
        return { runs, order: s.order.filter((x) => x !== id) };
      });
    },
  };
});
