/**
 * Chart redraw benchmark (bench.html?charts=8x100000): the lab's live charts holding `runs` series of
 * `rows` steps each, while chunks stream into every run each frame. Reports full redraws per second (every
 * chart showing new data) and the longest main-thread task while streaming (and apart, while the charts mounted).
 */
import { createRoot } from 'react-dom/client';
import { allocChunk, type TraceChunk } from '../../src/engine/trace';
import { optimizerIds } from '../../src/optim/catalogue';
import { DEFAULT_EXPERIMENT, type Experiment } from '../../src/state/experiment';
import { useLab } from '../../src/state/lab';
import { blankRun, useRuns, type RunMeta } from '../../src/state/runs';
import { appendChunk, setTrace, tracesVersion } from '../../src/state/traces';
import { Charts } from '../../src/ui/charts/Charts';
import { installPaintCheck } from './paintCheck';
import '../../src/ui/app.css';

export interface ChartBenchResult {
  readonly runs: number;
  readonly rows: number;
  readonly seconds: number;
  /** Full redraws: every chart showing new data. */
  readonly redraws: number;
  readonly fps: number;
  /** The longest main-thread task while streaming. */
  readonly longestTaskMs: number;
  /** The longest main-thread task while the charts mounted (start-up, before streaming). */
  readonly mountLongestTaskMs: number;
  /** With `verify`: frames compared with a full repaint, and the largest share of pixels that differed. */
  readonly paint?: { frames: number; worst: number; cluster: number };
}

/** Synthetic trace rows [from, from + n): a noisy decaying loss and an L4-like η. */
function synthetic(run: number, from: number, n: number): TraceChunk {
  const c = allocChunk(n, ['effectiveLr', 'updateNorm', 'flags', 'lossMin', 'gDotV', 'numerator']);
  let seed = (run + 1) * 7919 + from;
  const noise = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < n; i++) {
    const s = from + i;
    const loss = 10 * Math.exp(-s / (20_000 + 3_000 * run)) * (0.7 + 0.6 * noise()) + 1e-3;
    c.columns.step[i] = s;
    c.columns.loss[i] = loss;
    c.columns.lossMin![i] = loss * 0.8;
    c.columns.effectiveLr![i] = 1e-3 * (0.2 + 2 * noise());
    c.columns.gDotV![i] = loss * (0.5 + noise());
    c.columns.numerator![i] = loss * 0.2;
    c.columns.updateNorm![i] = 0.01;
    c.columns.flags![i] = 0;
    c.columns.wallTime[i] = s * 2;
  }
  return c;
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

export async function runChartBench(runs: number, rows: number, seconds: number, verify = false): Promise<ChartBenchResult> {
  const paintCheck = verify ? installPaintCheck() : null;
  let longest = 0;
  let mountLongest = 0;
  let lastMountTask = 0;
  let since = Infinity;
  new PerformanceObserver((l) => {
    // Entries arrive after their task: one from the set-up may be delivered once streaming has begun.
    for (const e of l.getEntries()) {
      if (e.startTime >= since) longest = Math.max(longest, e.duration);
      else {
        mountLongest = Math.max(mountLongest, e.duration);
        lastMountTask = e.startTime + e.duration;
      }
    }
  }).observe({ type: 'longtask', buffered: false });
  // A task without a test set (the default experiment's MNIST would add the two test charts): the loss, the
  // paired difference of a and b, η, ‖Δθ‖ and gᵀv.
  const experiment: Experiment = {
    ...DEFAULT_EXPERIMENT,
    task: 'functions-2d',
    taskSettings: {},
    runs: Array.from({ length: runs }, (_, i) => ({
      id: String.fromCharCode(97 + i),
      optimizer: optimizerIds()[i % optimizerIds().length]!,
      options: {},
    })),
  };
  useLab.setState({ experiment });
  const metas: Record<string, RunMeta> = {};
  for (const r of experiment.runs) {
    const id = `${r.id}.1`;
    metas[id] = {
      ...blankRun(id, r.id, 1, {
        task: 'functions-2d',
        taskSettings: {},
        optimizer: r.optimizer,
        optimizerOptions: {},
        seed: 1,
        steps: rows * 2,
      }),
      status: 'running',
    };
    setTrace(id, synthetic(experiment.runs.indexOf(r), 0, rows), { fromStorage: true });
  }
  useRuns.setState({ order: Object.keys(metas), runs: metas });
  const host = document.createElement('div');
  document.body.append(host);
  // In the lab's own layout (App.tsx at 1280×900): the charts in the board, beside the experiment panel.
  createRoot(host).render(
    <main className="lab">
      <div className="work">
        <div className="board">
          <Charts refreshMs={0} />
        </div>
        <aside className="side" aria-label="Experiment panel">
          <p>(the experiment panel)</p>
        </aside>
      </div>
    </main>,
  );
  const figures = () => [...host.querySelectorAll<HTMLElement>('figure.chart')];
  const drawn = () => {
    const v = String(tracesVersion());
    const f = figures();
    return f.length > 0 && f.every((el) => el.dataset.version === v);
  };
  const settle = async () => {
    while (!drawn()) await nextFrame();
    await nextFrame();
  };
  await settle();
  // Mounting six recharts charts goes on after their first paint (recharts' store settles in later tasks,
  // one of 300–400 ms on this machine): that is start-up, reported apart; streaming is measured once the
  // page has been free of long tasks for half a second.
  const mountStart = performance.now();
  while (performance.now() - Math.max(lastMountTask, mountStart) < 500 && performance.now() - mountStart < 10_000) await nextFrame();
  await settle();
  // Stream: every animation frame a 100-step chunk arrives in every run (as from fast workers), for
  // `seconds`; count the full redraws (every chart showing newer data than at the last count).
  longest = 0;
  since = performance.now();
  performance.mark('chart-bench:stream');
  let at = rows;
  let redrawn = 0;
  let lastSeen = tracesVersion();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise<void>((r) => requestAnimationFrame(() => r()));
    const seen = Math.min(...figures().map((el) => Number(el.dataset.version)));
    if (seen > lastSeen) {
      redrawn++;
      lastSeen = seen;
    }
    for (let r = 0; r < runs; r++) void appendChunk(`${experiment.runs[r]!.id}.1`, synthetic(r, at, 100));
    at += 100;
  }
  const elapsed = (performance.now() - t0) / 1000;
  return {
    runs,
    rows,
    seconds: elapsed,
    redraws: redrawn,
    fps: redrawn / elapsed,
    longestTaskMs: longest,
    mountLongestTaskMs: mountLongest,
    ...(paintCheck ? { paint: { ...paintCheck } } : {}),
  };
}
