import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { KERNELS_WASM } from './kernels.bytes';
import { simdKernels } from './simd';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** kernels.wat compiled by wabt, as base64: what kernels.bytes.ts must hold. */
async function compileWat(): Promise<string> {
  const wabt = await wabtInit();
  const module = wabt.parseWat('kernels.wat', readFileSync(here('./kernels.wat'), 'utf8'), { simd: true, multi_value: true });
  module.validate();
  const base64 = Buffer.from(module.toBinary({}).buffer).toString('base64');
  module.destroy();
  return base64;
}

describe('the SIMD module', () => {
  it('is kernels.wat as wabt compiles it (`npm run build:wasm` writes it again)', async () => {
    const compiled = await compileWat();
    if (process.env.UPDATE_WASM) {
      writeFileSync(
        here('./kernels.bytes.ts'),
        `// Written by \`npm run build:wasm\` from kernels.wat (wabt); do not edit.\nexport const KERNELS_WASM =\n  '${compiled}';\n`,
      );
      return;
    }
    expect(KERNELS_WASM).toBe(compiled);
  });
});

// The JavaScript loops the kernels replace, as their callers wrote them (hostDots.ts, wasmKernels.ts).
function dotOf(a: Float32Array, b: Float32Array): number {
  const m = a.length & ~3;
  let [s0, s1, s2, s3] = [0, 0, 0, 0];
  for (let i = 0; i < m; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (let i = m; i < a.length; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

function absSumOf(a: Float32Array): number {
  const m = a.length & ~3;
  let [s0, s1, s2, s3] = [0, 0, 0, 0];
  for (let i = 0; i < m; i += 4) {
    s0 += Math.abs(a[i]!);
    s1 += Math.abs(a[i + 1]!);
    s2 += Math.abs(a[i + 2]!);
    s3 += Math.abs(a[i + 3]!);
  }
  for (let i = m; i < a.length; i++) s0 += Math.abs(a[i]!);
  return s0 + s1 + s2 + s3;
}

describe('the kernels, held bit for bit to the JavaScript loops', () => {
  const memory = new WebAssembly.Memory({ initial: 2 });
  const k = simdKernels(memory)!;
  // Values of every kind a gradient holds: random magnitudes over many decades, both zeros, ±∞, NaN.
  const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-38, -1e-45, 3.4e38];
  function fill(at: number, n: number, seed: number, special: boolean): Float32Array {
    const view = new Float32Array(memory.buffer, at, n);
    let s = seed;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const u = s / 2147483648;
      view[i] = special && i % 7 === 3 ? SPECIAL[i % SPECIAL.length]! : (u - 0.5) * 10 ** Math.floor(u * 12 - 6);
    }
    return view;
  }
  const same = (a: number, b: number) => Object.is(a, b);

  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(k).not.toBeNull();
  });

  for (const n of [0, 1, 3, 4, 5, 15, 16, 17, 1000, 1003, 4099]) {
    it(`dot, dotAndSquare, absSum and allFinite over ${n} values`, () => {
      for (const special of [false, true]) {
        const a = fill(64, n, 7 + n, special);
        const b = fill(64 + 4 * 5000 + 16, n, 91 + n, special);
        expect(same(k.dot(a.byteOffset, b.byteOffset, n), dotOf(a, b))).toBe(true);
        const [p, q] = k.dotAndSquare(a.byteOffset, b.byteOffset, n);
        expect(same(p, dotOf(a, b)) && same(q, dotOf(b, b))).toBe(true);
        expect(same(k.absSum(a.byteOffset, n), absSumOf(a))).toBe(true);
        expect(k.allFinite(a.byteOffset, n)).toBe(a.every((x) => Number.isFinite(x)) ? 1 : 0);
      }
    });

    it(`sign, sqrt and greater against a scalar over ${n} values`, () => {
      const x = fill(128, n, 3 + n, true);
      const out = new Float32Array(memory.buffer, 128 + 4 * 5000, n);
      k.sign(x.byteOffset, out.byteOffset, n);
      const bytes = new Uint8Array(memory.buffer, 128 + 8 * 5000 + 1, n); // an odd address: bytes need no alignment
      for (const s of [0, -0.5, 1e-3]) {
        k.greaterScalar(x.byteOffset, s, bytes.byteOffset, n);
        for (let i = 0; i < n; i++) expect(bytes[i]).toBe(Number(x[i]! > Math.fround(s)));
      }
      for (let i = 0; i < n; i++) expect(same(out[i]!, Number(x[i]! > 0) - Number(x[i]! < 0))).toBe(true);
      k.sqrt(x.byteOffset, out.byteOffset, n);
      for (let i = 0; i < n; i++) expect(same(out[i]!, Math.fround(Math.sqrt(x[i]!)))).toBe(true);
    });
  }

  for (const n of [0, 3, 4, 7, 1001]) {
    it(`the cautious mask over ${n} values: the op path's v·[v·g > 0] and its count`, () => {
      const v = fill(256, n, 11 + n, true);
      const g = fill(256 + 4 * 2000, n, 13 + n, true);
      const out = new Float32Array(memory.buffer, 256 + 8 * 2000, n);
      const kept = k.cautiousMask(v.byteOffset, g.byteOffset, out.byteOffset, n);
      let count = 0;
      for (let i = 0; i < n; i++) {
        const keep = Math.fround(v[i]! * g[i]!) > 0 ? 1 : 0;
        count += keep;
        expect(same(out[i]!, Math.fround(v[i]! * keep))).toBe(true);
      }
      expect(kept).toBe(count);
      if (n > 100) expect(count).toBeGreaterThan(n / 5);
    });
  }

  for (const n of [0, 1, 4, 6, 1001]) {
    it(`x·a + y·b, x·a + y²·b and x / (√y + e) over ${n} values, rounded op by op`, () => {
      const x = fill(512, n, 19 + n, true);
      const y = fill(512 + 4 * 2000, n, 23 + n, true);
      const out = new Float32Array(memory.buffer, 512 + 8 * 2000, n);
      const f = Math.fround;
      for (const [a, b] of [
        [0.9, 0.1],
        [0.999, 1],
        [-1e-3, 3.3e38],
      ] as const)
        for (const square of [0, 1]) {
          k.axpby(x.byteOffset, a, y.byteOffset, b, square, out.byteOffset, n);
          for (let i = 0; i < n; i++) {
            const yi = square ? f(y[i]! * y[i]!) : y[i]!;
            expect(same(out[i]!, f(f(x[i]! * f(a)) + f(yi * f(b))))).toBe(true);
          }
        }
      for (const e of [1e-8, 0, 1e-4]) {
        k.ratio(x.byteOffset, y.byteOffset, e, out.byteOffset, n);
        for (let i = 0; i < n; i++) expect(same(out[i]!, f(x[i]! / f(f(Math.sqrt(y[i]!)) + f(e))))).toBe(true);
      }
    });
  }

  for (const n of [0, 1, 3, 4, 7, 1001]) {
    it(`ScheduleFree+'s step and ‖u‖² over ${n} values, rounded op by op`, () => {
      const f = Math.fround;
      const [y, w, m, v0, g] = [31, 37, 43, 47, 53].map((seed, j) => fill(1024 + j * 4 * 1100, n, seed + n, true));
      const v = v0!.map((a) => Math.abs(a)); // a second moment is ≥ 0 (its NaN and ∞ stay)
      v0!.set(v);
      const out = [0, 1, 2, 3].map((j) => new Float32Array(memory.buffer, 1024 + (5 + j) * 4 * 1100, n));
      for (const [sd, hasDec] of [
        [0, 0],
        [-7.5e-5, 1],
      ] as const) {
        const sc = [0.9, 0.1, 0.999, 1 - 0.999, 1e-8 * 0.03, 0.74, 0.31, -3e-4, sd, 0.26].map(f);
        const [b1, c1, b2, c2, e, wk, ws, sr, sdf, sk] = sc as [
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
        ];
        const pointers = [y, w, m, v0, g, ...out].map((a) => a!.byteOffset);
        const uu = k.sfPlusStep(...([...pointers, ...sc, hasDec, n] as Parameters<typeof k.sfPlusStep>));
        expect(same(uu, dotOf(out[3]!, out[3]!))).toBe(true);
        for (let i = 0; i < n; i++) {
          const m1 = f(f(m![i]! * b1) + f(g![i]! * c1));
          const v1 = f(f(v0![i]! * b2) + f(f(g![i]! * g![i]!) * c2));
          const r = f(m1 / f(f(Math.sqrt(v1)) + e));
          const baseU = hasDec ? f(f(y![i]! * sdf) + f(w![i]! * sk)) : f(w![i]! * sk);
          const u = f(f(r * sr) + baseU);
          const w1 = f(f(w![i]! * wk) + f(u * ws));
          const got = out.map((o) => o[i]!);
          expect([w1, m1, v1, u].every((x, j) => same(got[j]!, x))).toBe(true);
        }
      }
    });
  }

  it('allFinite finds one NaN, +∞ or −∞ at any place (in the SIMD part or the tail)', () => {
    const a = fill(64, 1003, 5, false);
    expect(k.allFinite(a.byteOffset, 1003)).toBe(1);
    for (const bad of [NaN, Infinity, -Infinity])
      for (const at of [0, 3, 500, 999, 1000, 1002]) {
        const keep = a[at]!;
        a[at] = bad;
        expect(k.allFinite(a.byteOffset, 1003)).toBe(0);
        a[at] = keep;
      }
    expect(k.allFinite(a.byteOffset, 1003)).toBe(1);
  });

  it('finds a difference when there is one (a changed value changes the sum)', () => {
    const a = fill(64, 1000, 5, false);
    const b = fill(64 + 4 * 5000, 1000, 6, false);
    const before = k.dot(a.byteOffset, b.byteOffset, 1000);
    a[999] = a[999]! + 1;
    expect(k.dot(a.byteOffset, b.byteOffset, 1000)).not.toBe(before);
    expect(k.dot(a.byteOffset, b.byteOffset, 1000)).toBe(dotOf(a, b));
  });
});
