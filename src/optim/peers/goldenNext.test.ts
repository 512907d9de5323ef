import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_NEXT_CLASSES, replayGoldenNext, type GoldenNext } from '../../testing/optim/goldenNextReplay';

const dir = join(__dirname, '..', '__fixtures__', 'golden-next');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

describe('golden float64 runs of the official MoMo, MoMo-Adam, Muon, ScheduleFree+, AdEMAMix and Lion, through the public classes', () => {
  const replayed = files.filter((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).optimizer in GOLDEN_NEXT_CLASSES);
  it('replays every file: the six optimizers, thirty-four runs', () => {
    const tags = ['lion', 'lion-wd', 'ademamix', 'ademamix-warm-wd', 'momo', 'momo-star', 'momo-bc-wd', 'momo-star-lb-wd'];
    tags.push('momoadam', 'momoadam-star', 'momoadam-nodiv-wd', 'momoadam-star-lb-wd', 'muon', 'muon-wd');
    tags.push('sfplus', 'sfplus-anneal-cw-wd', 'sfplus-pb');
    expect(replayed.sort()).toEqual(tags.flatMap((t) => [`linreg-${t}.json`, `mlp-${t}.json`]).sort());
  });

  for (const backend of ['cpu', 'wasm'] as const)
    for (const file of replayed) {
      const g = JSON.parse(readFileSync(join(dir, file), 'utf8')) as GoldenNext;
      it(`${backend}, ${file}: every traced value and the final parameters within the file's tolerance ${g.tolerance}`, async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        const r = await replayGoldenNext(g, file);
        expect(r.failures).toEqual([]);
        expect(r.leaked).toBe(0);
        console.log(`${backend}, ${file}: worst ${r.worst.toExponential(1)} (tolerance ${g.tolerance})`);
      });
    }

  it('the replay finds a deviation: a file whose loss is moved by twice its tolerance fails at that step', async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    const g = JSON.parse(readFileSync(join(dir, 'linreg-lion.json'), 'utf8')) as GoldenNext;
    const moved = { ...g, trace: g.trace.map((s, t) => (t === 3 ? { ...s, loss: s.loss * (1 + 2 * g.tolerance) } : s)) };
    const r = await replayGoldenNext(moved, 'moved');
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatch(/^loss at step 3 /);
  });
});
