import { describe, expect, it } from 'vitest';
import type { HyperEvent } from '../engine/trace';
import { changeLines, settingSymbol, startValue } from './changes';

describe("a run's settings in words", () => {
  it('names each live change by its symbol with the value it replaced: the start value, then the previous change', () => {
    const changes: HyperEvent[] = [
      { step: 646, patch: { alpha: 0.3 } },
      { step: 900, patch: { alpha: 0.2, gamma: 0.8 } },
    ];
    expect(changeLines('l4adam', {}, changes)).toEqual(['α 0.15 → 0.3 at step 646', 'α 0.3 → 0.2 at step 900', 'γ 0.9 → 0.8 at step 900']);
    // Given options are the start values.
    expect(changeLines('adam', { learningRate: 0.01 }, [{ step: 5, patch: { learningRate: 0.1 } }])).toEqual(['lr 0.01 → 0.1 at step 5']);
    expect(changeLines('adam', {}, [])).toEqual([]);
  });

  it('start values: given, else the default; absent for a setting the optimizer lacks', () => {
    expect(startValue('adam', {}, 'learningRate')).toBe(0.001);
    expect(startValue('adam', { learningRate: 0.1 }, 'learningRate')).toBe(0.1);
    expect(startValue('l4adam', {}, 'learningRate')).toBeUndefined();
    expect(settingSymbol('adam', 'epsilonForm')).toBe('epsilon form');
    expect(settingSymbol('adam', 'nope')).toBe('nope');
  });
});
