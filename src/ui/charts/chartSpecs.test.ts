import { describe, expect, it } from 'vitest';
import { chartsFor } from './chartSpecs';

describe('the charts of an experiment come from what its optimizers declare', () => {
  it('L4 and Adam: the loss with L_min dashed, their paired difference, η, ‖Δθ‖, gᵀv with its numerator; test charts only with a test set', () => {
    const charts = chartsFor(['l4adam', 'adam'], false);
    expect(charts.map((c) => [c.id, c.companion ?? null, c.log])).toEqual([
      ['loss', 'lossMin', true],
      ['pairedLoss', null, false],
      ['effectiveLr', null, true],
      ['updateNorm', null, true],
      ['gDotV', 'numerator', true],
    ]);
    expect(charts[0]!.title).toBe('Training loss (dashed: L_min)');
    expect(
      chartsFor(['l4adam'], true)
        .map((c) => c.id)
        .slice(-2),
    ).toEqual(['testAccuracy', 'testLoss']);
  });

  it('Polyak’s own diagnostics get charts: uncapped η dashed on η, and whether the cap bound', () => {
    const charts = chartsFor(['sgd', 'polyak'], false);
    expect(charts.find((c) => c.id === 'effectiveLr')).toMatchObject({ companion: 'uncappedLr', log: true });
    expect(charts.find((c) => c.id === 'capped')).toMatchObject({ log: false });
    // The flags are exported, never charted.
    expect(charts.some((c) => c.column === 'flags')).toBe(false);
  });

  it('a baseline alone has no L4 charts', () => {
    expect(chartsFor(['adam'], false).map((c) => c.id)).toEqual(['loss', 'effectiveLr', 'updateNorm']);
  });
});
