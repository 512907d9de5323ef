import { describe, expect, it } from 'vitest';
import { DEMOS } from './demos';

const result = (id: string) =>
  DEMOS.find((d) => d.id === id)!
    .run()
    .join('\n');

describe('one-click demonstrations', () => {
  it('there are seven, each with a two-sentence explanation', () => {
    expect(DEMOS.map((d) => d.id)).toEqual(['scale', 'shift', 'wrong-fstar', 'noise', 'alpha-large', 'bad-batch', 'new-best']);
    for (const d of DEMOS) expect(d.explanation.split(/(?<=\.)\s+(?=[A-Z])/).length).toBe(2);
  });
  it('scaling: L4 lands on the same x for L and 25·L; SGD diverges on 25·L', () => {
    const r = result('scale');
    const [a, b] = [...r.matchAll(/= ([\d.e+-]+) for L and ([\d.e+-]+) for 25·L/g)][0]!.slice(1);
    expect(a).toBe(b);
    expect(r).toMatch(/SGD \(lr 0.1\): [\d.e-]+ for L, diverged for 25·L/);
  });
  it('a wrong f*: too high stalls at x = 1 (where L = 0.5)', () => {
    expect(result('wrong-fstar')).toMatch(/f\* = 0.5 \(too high\): x = 1.00/);
  });
  it('noise: the lower α ends lower', () => {
    const [hi, lo] = [...result('noise').matchAll(/→ ([\d.]+(?:e-?\d+)?)/g)].map((m) => Number(m[1]));
    expect(lo!).toBeLessThan(hi! / 3);
  });
  it('a bad batch: skipped and counted, the run ends where the 29 good steps end', () => {
    const r = result('bad-batch');
    const [x, without] = [...r.matchAll(/: (-?[\d.e-]+),? /g)].map((m) => Number(m[1]));
    expect(r).toMatch(/with 1 step skipped/);
    expect(r).toMatch(/\(identical\)/);
    expect(x).toBe(without);
    expect(x!).toBeGreaterThan(0);
    expect(x!).toBeLessThan(2);
    expect(r).toMatch(/x − η·NaN = NaN/);
  });
  it('α = 30 diverges, α = 0.15 does not; the new best batch has η = 0 at γ = 1', () => {
    expect(result('alpha-large')).toMatch(/α = 0.15 → [\d.]+; α = 10 → [\d.e-]+; α = 30 → diverged/);
    expect(result('new-best')).toMatch(/so η = 0.00\./);
  });
});
