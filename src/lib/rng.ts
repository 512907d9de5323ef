import seedrandom from 'seedrandom';

/**
 * A seeded random stream. Randomness in the lab always comes from one of these, never Math.random.
 * Streams are named by purpose (`init`, `data`, `batches`), so that two runs with the same seed get the same
 * initial weights and batches whatever else they do (paired runs).
 */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  uniformArray(n: number, lo?: number, hi?: number): Float32Array;
  normalArray(n: number, mean?: number, std?: number): Float32Array;
  /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array;
}

export function makeRng(seed: number, stream: string): Rng {
  const next = seedrandom.alea(`${seed}/${stream}`);
  let spare: number | null = null;
  const normal = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return {
    uniform: next,
    normal,
    int: (n) => Math.floor(next() * n),
    uniformArray: (n, lo = 0, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * next()),
    normalArray: (n, mean = 0, std = 1) => Float32Array.from({ length: n }, () => mean + std * normal()),
    permutation: (n) => {
      const p = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = p[i]!;
        p[i] = p[j]!;
        p[j] = t;
      }
      return p;
    },
  };
}
