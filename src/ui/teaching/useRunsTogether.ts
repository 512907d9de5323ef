import { useEffect, useState } from 'react';
import { teachPool as makeTeachPool } from '../../state/teachPool';
import { OPTIMIZERS, thinPath, type Live } from './explainer2d';

/** A pool sized so that every optimizer of the explainer steps at once. */
const teachPool = makeTeachPool(OPTIMIZERS.length);

/**
 * The 2-D explainer's runs: every optimizer of the line-up from the same start on the same surface, each in its own
 * worker on the lab's engine, started, stepped and paused together; `live` holds what each has done.
 */
export function useRunsTogether(fn: string, noise: boolean) {
  const [live, setLive] = useState<Record<string, Live>>({});
  const [running, setRunning] = useState(false);
  const stop = () => {
    teachPool.cancelAll();
    setRunning(false);
  };
  useEffect(() => stop, []);

  const restart = (from: [number, number], paused: boolean) => {
    stop();
    const init: Record<string, Live> = {};
    for (const o of OPTIMIZERS) {
      init[o.id] = { path: [...from], loss: null, eta: null, lossMin: null, gDotV: null, steps: 0, status: 'starting' };
      teachPool.submit({
        id: o.id,
        paused,
        config: {
          task: 'functions-2d',
          taskSettings: { fn, kappa: 10, noise: noise ? 0.1 : 0, x0: from[0], y0: from[1] },
          optimizer: o.optimizer,
          optimizerOptions: o.options(fn),
          seed: 1,
          steps: 5000,
          backend: 'auto',
        },
        callbacks: {
          onChunk: (c) =>
            setLive((prev) => {
              const p = prev[o.id]!;
              const last = c.length - 1;
              if (last < 0) return prev;
              const path = c.theta ? [...p.path, ...Array.from(c.theta)] : p.path;
              return {
                ...prev,
                [o.id]: {
                  ...p,
                  path: thinPath(path),
                  loss: c.columns.loss[last]!,
                  eta: c.columns.effectiveLr?.[last] ?? NaN,
                  lossMin: c.columns.lossMin?.[last] ?? NaN,
                  gDotV: c.columns.gDotV?.[last] ?? NaN,
                  steps: c.columns.step[last]! + 1,
                },
              };
            }),
          onStatus: (m) =>
            setLive((prev) =>
              prev[o.id]
                ? { ...prev, [o.id]: { ...prev[o.id]!, status: m.divergedAt !== null ? `diverged at step ${m.divergedAt}` : m.status } }
                : prev,
            ),
        },
      });
    }
    setLive(init);
    setRunning(!paused);
  };
  /** One step of every run (started paused first when none is live). */
  const stepAll = (from: [number, number]) => {
    if (!OPTIMIZERS.some((o) => teachPool.isLive(o.id))) restart(from, true);
    for (const o of OPTIMIZERS) teachPool.command(o.id, { step: 1 });
  };
  const pauseAll = () => {
    for (const o of OPTIMIZERS) teachPool.command(o.id, 'pause');
    setRunning(false);
  };
  const clear = () => {
    stop();
    setLive({});
  };
  return { live, running, restart, stepAll, pauseAll, clear };
}
