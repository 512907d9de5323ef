import { describe, expect, it } from 'vitest';
import { allocChunk } from '../engine/trace';
import { BundleError, makeBundle, readBundle, tracesToCsv } from './bundle';
import { DEFAULT_EXPERIMENT } from './experiment';
import { blankRun, type RunMeta } from './runs';

const meta = (id: string): RunMeta => ({
  ...blankRun(id, 'a', 1, {
    task: 'functions-2d',
    taskSettings: {},
    optimizer: 'l4adam',
    optimizerOptions: { alpha: 0.15 },
    seed: 1,
    steps: 3,
  }),
  status: 'done',
  backend: 'wasm',
  fallbackReason: 'the WebGPU adapter is a software fallback (SwiftShader)',
  tfjs: '4.22.0',
  adapter: 'google swiftshader (fallback)',
  step: 3,
  last: { loss: 1, effectiveLr: 0.1 },
  bestLoss: 1,
  stepsPerSecond: 10,
});

const trace = () => {
  const t = allocChunk(3, ['effectiveLr']);
  t.columns.step.set([0, 1, 2]);
  t.columns.loss.set([3, 2, 1]);
  t.columns.effectiveLr!.set([0.1, 0.2, 0.1]);
  t.events.push({ step: 1, patch: { alpha: 0.3 } });
  return t;
};

describe('run bundles', () => {
  it('round-trip the experiment, the traces, the events and the provenance', () => {
    const text = makeBundle(DEFAULT_EXPERIMENT, [meta('a.1')], () => trace());
    const doc = JSON.parse(text);
    expect(doc.runs[0]).toMatchObject({ tfjs: '4.22.0', backend: 'wasm', adapter: 'google swiftshader (fallback)', seed: 1 });
    const back = readBundle(text);
    expect(back.experiment).toEqual(DEFAULT_EXPERIMENT);
    expect(back.runs[0]!.meta).toMatchObject({
      id: 'a.1',
      status: 'imported',
      last: { loss: 1, effectiveLr: 0.1 },
      bestLoss: 1,
      backend: 'wasm',
    });
    expect(Array.from(back.runs[0]!.trace.columns.loss)).toEqual([3, 2, 1]);
    expect(Object.keys(back.runs[0]!.trace.columns)).toEqual(['step', 'loss', 'effectiveLr', 'wallTime']);
    expect(back.runs[0]!.trace.events).toEqual([{ step: 1, patch: { alpha: 0.3 } }]);
  });

  it('keep a branch: the run it continues and the checkpoint step (a malformed one is dropped)', () => {
    const branch: RunMeta = { ...meta('a.1-b1'), specId: 'a.1-b1', branch: { from: 'a.1', step: 200 } };
    const [a, b] = readBundle(makeBundle(DEFAULT_EXPERIMENT, [meta('a.1'), branch], () => trace())).runs;
    expect(a!.meta.branch).toBeUndefined();
    expect(b!.meta).toMatchObject({ id: 'a.1-b1', specId: 'a.1-b1', branch: { from: 'a.1', step: 200 } });
    const doc = JSON.parse(makeBundle(DEFAULT_EXPERIMENT, [branch], () => trace()));
    doc.runs[0].branch = { from: 'a.1', step: -3 };
    expect(readBundle(JSON.stringify(doc)).runs[0]!.meta.branch).toBeUndefined();
  });

  it('malformed bundles get a clear error', () => {
    expect(() => readBundle('{nope')).toThrow(BundleError);
    expect(() => readBundle('{nope')).toThrow(/not JSON/);
    expect(() => readBundle('{"kind":"x"}')).toThrow(/"kind" is not "l4-lab-run-bundle"/);
    expect(() => readBundle('{"kind":"l4-lab-run-bundle","version":9,"runs":[]}')).toThrow(/version 9 is not 1/);
    const bad = JSON.parse(makeBundle(DEFAULT_EXPERIMENT, [meta('a.1')], () => trace()));
    bad.runs[0].trace.loss = [1, 'two', 3];
    expect(() => readBundle(JSON.stringify(bad))).toThrow(/column "loss" holds a non-number at row 1/);
    bad.runs[0].trace.loss = [1];
    expect(() => readBundle(JSON.stringify(bad))).toThrow(/column "loss" does not have 3 values/);
  });

  it('CSV has one row per run and step with the trace columns', () => {
    const csv = tracesToCsv([meta('a.1')], () => trace())
      .trim()
      .split('\n');
    expect(csv[0]).toBe('run,spec,optimizer,seed,step,loss,effectiveLr,wallTime');
    expect(csv[2]).toBe('a.1,a,l4adam,1,1,2,0.2,');
  });
});
