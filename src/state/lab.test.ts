import { describe, expect, it, vi } from 'vitest';
import { memoryProblem } from './lab';

describe('limits', () => {
  it('the memory budget is half the device memory; past it, a sentence says what to do', () => {
    expect(memoryProblem('functions-2d', 8, 4)).toBeNull();
    expect(memoryProblem('mnist-mlp', 8, 4)).toBeNull(); // 1280 MB of 2048
    const msg = memoryProblem('cifar10-resnet', 8, 2)!;
    expect(msg).toMatch(/8 runs at once, about 3600 MB, but this device has about 1024 MB to spare/);
    expect(msg).toMatch(/about 2 at once fit/);
  });
});

describe('starting an experiment', () => {
  it('queues its runs interleaved across the compared optimizers, so every optimizer trains from the start', async () => {
    const { useLab } = await import('./lab');
    const { liveRunsAtOnce, maxConcurrentRuns, setWorkerFactory, useRuns } = await import('./runs');
    // Workers that never answer: only which runs are handed to workers first matters here.
    setWorkerFactory(() => ({
      postMessage: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      terminate: () => {},
    }));
    const lab = useLab.getState();
    lab.setExperiment({
      ...lab.experiment,
      task: 'functions-2d',
      taskSettings: { fn: 'quadratic' },
      seed: 1,
      seeds: 3,
      runs: [
        { id: 'a', optimizer: 'l4adam', options: {} },
        { id: 'b', optimizer: 'adam', options: {} },
        { id: 'c', optimizer: 'sgd', options: {} },
      ],
    });
    useLab.getState().start();
    expect(useRuns.getState().order).toEqual(['a.1', 'b.1', 'c.1', 'a.2', 'b.2', 'c.2', 'a.3', 'b.3', 'c.3']);
    const training = () => {
      const r = useRuns.getState();
      return r.order.filter((id) => r.runs[id]!.status !== 'queued');
    };
    // Time-shared by default: one run of every compared optimizer at once, even with fewer cores than optimizers.
    expect(training()).toEqual(useRuns.getState().order.slice(0, Math.max(3, maxConcurrentRuns())));
    // Later seeds start one per core as runs end (only the first seeds are time-shared).
    expect(liveRunsAtOnce()).toBe(maxConcurrentRuns());
    // "Finish one at a time": one run per core, still interleaved.
    useLab.getState().setSchedule('throughput');
    useLab.getState().start();
    expect(training()).toEqual(useRuns.getState().order.slice(0, maxConcurrentRuns()));
    expect(training().slice(0, 2)).toEqual(['a.1', 'b.1']);
    useLab.getState().setSchedule('together');
    useRuns.getState().removeAll();
  });
});

describe('the URL fragment', () => {
  it('follows the experiment: a change at once (in a task of its own), a burst of keystrokes coalesced into one write of the newest, a pending write flushed on pagehide', async () => {
    vi.useFakeTimers();
    const { useLab, syncUrl } = await import('./lab');
    const { decodeExperiment } = await import('./experiment');
    const writes: string[] = [];
    const listeners = new Map<string, () => void>();
    vi.stubGlobal('history', { replaceState: (_s: unknown, _t: string, url: string) => writes.push(url) });
    vi.stubGlobal('location', {
      get hash() {
        return writes.at(-1) ?? '';
      },
    });
    vi.stubGlobal('addEventListener', (t: string, f: () => void) => listeners.set(t, f));
    vi.stubGlobal('removeEventListener', (t: string) => listeners.delete(t));
    try {
      const alpha = () => decodeExperiment(writes.at(-1)!)!.experiment.runs[0]!.options.alpha;
      const stop = syncUrl(300);
      expect(writes).toHaveLength(1); // the experiment as opened
      vi.advanceTimersByTime(1000);
      const id = useLab.getState().experiment.runs[0]!.id;
      useLab.getState().setRunOption(id, 'alpha', 0.3);
      expect(writes).toHaveLength(1); // not inside the change's own task …
      vi.advanceTimersByTime(0);
      expect(writes).toHaveLength(2); // … but in the next: at once
      expect(alpha()).toBe(0.3);
      for (const a of [0.31, 0.32, 0.33]) useLab.getState().setRunOption(id, 'alpha', a);
      expect(writes).toHaveLength(2);
      vi.advanceTimersByTime(299);
      expect(writes).toHaveLength(2);
      vi.advanceTimersByTime(1);
      expect(writes).toHaveLength(3); // the burst: one write, of the newest
      expect(alpha()).toBe(0.33);
      useLab.getState().setRunOption(id, 'alpha', 0.4);
      expect(writes).toHaveLength(3); // within 300 ms of the last write: pending …
      listeners.get('pagehide')!();
      expect(writes).toHaveLength(4); // … and written when the page goes
      expect(alpha()).toBe(0.4);
      vi.advanceTimersByTime(1000);
      expect(writes).toHaveLength(4); // nothing written twice
      stop();
      expect(listeners.has('pagehide')).toBe(false);
    } finally {
      vi.unstubAllGlobals();
      vi.useRealTimers();
    }
  });
});
