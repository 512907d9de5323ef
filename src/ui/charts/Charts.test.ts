import { describe, expect, it } from 'vitest';
import { allocChunk } from '../../engine/trace';
import { appendChunk, clearTrace } from '../../state/traces';
import { chartsFor } from './chartSpecs';
import { domains, drawnFor, heldX, linearTicks, niceCeil, type ChartView } from './chartData';

/** Seed `seed` of a run: loss = 10·seed·0.9^step, L_min = half of it, and a test evaluation at step 4. */
async function seedRun(id: string, seed: number): Promise<void> {
  const c = allocChunk(5, ['effectiveLr', 'lossMin']);
  for (let i = 0; i < 5; i++) {
    c.columns.step[i] = i;
    c.columns.loss[i] = 10 * seed * 0.9 ** i;
    c.columns.lossMin![i] = 5 * seed * 0.9 ** i;
    c.columns.effectiveLr![i] = 0.1 * seed;
    c.columns.wallTime[i] = 100 * i;
  }
  c.evals.push({ step: 4, epoch: 4, testLoss: seed, testAccuracy: 0.5 + 0.1 * seed });
  await appendChunk(id, c);
}

describe('chart data', () => {
  it('a chart draws each run spec as the log-space mean of its seeds with the min–max band, its companion dashed', async () => {
    await seedRun('a.1', 1);
    await seedRun('a.2', 4);
    const view: ChartView = {
      groups: new Map([['a', { runIds: ['a.1', 'a.2'], seeds: [1, 4], stepsPerEpoch: 1 }]]),
      specs: [{ id: 'a', optimizer: 'l4adam' }],
      xMode: 'step',
      smoothing: 0,
      hidden: new Set(),
    };
    const loss = chartsFor(['l4adam'], true).find((c) => c.id === 'loss')!;
    const [d] = drawnFor(loss, view);
    expect(d!.name).toBe('a: L4Adam');
    expect(d!.raw.map((p) => p.x)).toEqual([0, 1, 2, 3, 4]);
    // Geometric mean of 10 and 40 is 20; the band spans the seeds.
    expect(d!.raw[0]!.y).toBeCloseTo(20, 10);
    expect(d!.raw[0]!.lo).toBeCloseTo(10, 10);
    expect(d!.raw[0]!.hi).toBeCloseTo(40, 10);
    expect(d!.companion[0]!.y).toBeCloseTo(10, 10);
    // Test metrics come from the evaluations; wall time in seconds on the x axis.
    const acc = chartsFor(['l4adam'], true).find((c) => c.id === 'testAccuracy')!;
    const [t] = drawnFor(acc, { ...view, xMode: 'time' });
    expect(t!.raw).toHaveLength(1);
    expect(t!.raw[0]!.x).toBeCloseTo(0.3, 10); // the row before the evaluation, at 300 ms
    expect(t!.raw[0]!.y).toBeCloseTo(0.5 + 0.25, 10); // linear mean of 0.6 and 0.9
    // A hidden run draws nothing; smoothing keeps the first point (debiased).
    expect(drawnFor(loss, { ...view, hidden: new Set(['a']) })).toEqual([]);
    expect(drawnFor(loss, { ...view, smoothing: 0.9 })[0]!.smooth[0]!.y).toBeCloseTo(20, 10);
    clearTrace('a.1');
    clearTrace('a.2');
  });

  it('the paired difference: log(L_A/L_B) per shared seed, their mean and a 95 % t band; unpaired seeds are left out', async () => {
    // A's loss is 10·seed·0.9^step; B's is k times it, k = 2 on seed 1 and 4 on seed 4: log(L_A/L_B) = −log k.
    await seedRun('a.1', 1);
    await seedRun('a.4', 4);
    await seedRun('a.7', 7); // no B on seed 7
    const scaled = async (id: string, seed: number, k: number) => {
      const c = allocChunk(5, []);
      for (let i = 0; i < 5; i++) {
        c.columns.step[i] = i;
        c.columns.loss[i] = k * 10 * seed * 0.9 ** i;
        c.columns.wallTime[i] = 100 * i;
      }
      await appendChunk(id, c);
    };
    await scaled('b.1', 1, 2);
    await scaled('b.4', 4, 4);
    const view: ChartView = {
      groups: new Map([
        ['a', { runIds: ['a.1', 'a.4', 'a.7'], seeds: [1, 4, 7], stepsPerEpoch: 1 }],
        ['b', { runIds: ['b.4', 'b.1'], seeds: [4, 1], stepsPerEpoch: 1 }],
      ]),
      specs: [
        { id: 'a', optimizer: 'l4adam' },
        { id: 'b', optimizer: 'adam' },
      ],
      xMode: 'step',
      smoothing: 0,
      hidden: new Set(),
      pair: ['a', 'b'],
    };
    const charts = chartsFor(['l4adam', 'adam'], false);
    expect(charts.map((c) => c.id).slice(0, 2)).toEqual(['loss', 'pairedLoss']);
    expect(chartsFor(['l4adam'], false).some((c) => c.paired)).toBe(false);
    const [d] = drawnFor(charts[1]!, view);
    expect(d!.name).toBe('a (L4Adam) vs b (Adam)');
    expect(d!.raw.map((p) => p.x)).toEqual([0, 1, 2, 3, 4]);
    const mean = -(Math.log(2) + Math.log(4)) / 2;
    const half = (12.706 * (Math.log(2) / Math.SQRT2)) / Math.SQRT2;
    for (const p of d!.raw) {
      expect(p.n).toBe(2);
      expect(p.y).toBeCloseTo(mean, 10);
      expect(p.lo).toBeCloseTo(mean - half, 10);
      expect(p.hi).toBeCloseTo(mean + half, 10);
    }
    // Swapped, the sign flips; one shared seed gives no band.
    expect(drawnFor(charts[1]!, { ...view, pair: ['b', 'a'] })[0]!.raw[0]!.y).toBeCloseTo(-mean, 10);
    const single = drawnFor(charts[1]!, {
      ...view,
      groups: new Map([...view.groups, ['b', { runIds: ['b.1'], seeds: [1], stepsPerEpoch: 1 }]]),
    });
    expect(single[0]!.raw[0]!.y).toBeCloseTo(-Math.log(2), 10);
    expect(single[0]!.raw[0]!.lo).toBe(single[0]!.raw[0]!.hi);
    for (const id of ['a.1', 'a.4', 'a.7', 'b.1', 'b.4']) clearTrace(id);
  });

  it('axes: log axes get whole decades, linear ones start at zero unless their values sit in a narrow band far from it, outliers can be ignored', () => {
    const pts = (ys: number[]) => ys.map((y, x) => ({ x, y, lo: y, hi: y, n: 1 }));
    const drawn = [{ specId: 'a', color: '#000', name: 'a', raw: pts([3, 0.02, 700]), smooth: [], companion: [] }];
    expect(domains(drawn, true, false, false)).toEqual([
      [0, 2],
      [0.01, 1000],
    ]);
    expect(domains(drawn, false, false, false)).toEqual([
      [0, 2],
      [0, 800], // 700 to the next nice end
    ]);
    // Values far from zero in a narrow range (test accuracy 95.4–96.9 %): the axis fits them, not 0–1.
    const acc = [{ specId: 'a', color: '#000', name: 'a', raw: pts([0.954, 0.962, 0.969]), smooth: [], companion: [] }];
    expect(domains(acc, false, false, false)[1]).toEqual([0.95, 0.975]);
    // A range that reaches towards zero keeps it (a loss from 3 to 1).
    expect(domains([{ ...acc[0]!, raw: pts([3, 1]) }], false, false, false)[1]).toEqual([0, 3]);
    expect(niceCeil(7.3)).toBe(8);
    expect(niceCeil(101)).toBe(120);
    // Linear ticks are round numbers inside the domain (recharts' even split of [−0.6, 0.3] read −0.35, 0.15).
    expect(linearTicks([-0.6, 0.3])).toEqual([-0.6, -0.4, -0.2, 0, 0.2]);
    expect(linearTicks([0, 500])).toEqual([0, 100, 200, 300, 400, 500]);
    expect(linearTicks([-1, 1.5])).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
  });

  it('a log axis does not flap between decades for a series at a power of ten (a log-space mean lands a hair off it)', () => {
    const at = (y: number) => [
      { specId: 'a', color: '#000', name: 'a', raw: [{ x: 1, y, lo: y, hi: y, n: 3 }], smooth: [], companion: [] },
    ];
    const exact = domains(at(0.01), true, false, false)[1];
    expect(exact).toEqual([0.01, 0.1]);
    expect(domains(at(Math.exp(Math.log(0.01) - 1e-15)), true, false, false)[1]).toEqual(exact);
    expect(domains(at(0.01 * (1 + 1e-12)), true, false, false)[1]).toEqual(exact);
    // A value clearly past the decade still widens the axis.
    expect(domains(at(0.0099), true, false, false)[1]).toEqual([0.001, 0.01]);
  });
});

describe('the x axis of training runs', () => {
  it('moves its right end in steps of 1, 2, 5 × 10^k while the data grow: three changes a decade, never cutting data off, at least 40 % filled, the same for the same data', () => {
    let shown: readonly [number, number] | null = null;
    let changes = 0;
    let tightChanges = 0;
    let tight: readonly [number, number] | null = null;
    for (let max = 1000; max <= 1_000_000; max += 250) {
      const x = [0, niceCeil(max)] as const;
      const h = heldX(x, true);
      if (!shown || shown[1] !== h[1]) changes++;
      shown = h;
      if (!tight || tight[1] !== x[1]) tightChanges++;
      tight = x;
      expect(h[0]).toBe(0);
      expect(h[1]).toBeGreaterThanOrEqual(max);
      expect(max / h[1]).toBeGreaterThanOrEqual(0.4);
    }
    expect(tightChanges).toBe(30); // niceCeil's steps: 10 a decade
    expect(changes).toBe(10); // 1000, 2000, 5000, 10k, … 1M
    expect(heldX([0, 250], true)).toEqual([0, 500]);
    expect(heldX([0, 200], true)).toEqual([0, 200]);
    // Nothing training: the tight domain.
    expect(heldX([0, 12_000], false)).toEqual([0, 12_000]);
  });
});
