// Usage, allocation and the write weights of one write head (../fusedWrite.ts), per batch row b: the previous write
// weights pw [B, N], usage u0 [B, N], free gates [B, R], read weights [B, R, N], allocation and write gates [B],
// write content weights [B, N]. The usage and the allocation's sort keys are computed in float32 op by op, as the
// ops compute them, so that the allocation order (a constant for the gradient) is the ops' own, ties included; the
// rest in float64.
import { addTo, at, f32at, f32of, f64s, put, scratchAt } from './common.as';

const EPS: f64 = 1e-6;

// One row's forward quantities, in scratch from h: eight N-vectors of float64 in this order, then before (N·N bytes,
// before[j·N + k] = 1 where slot k is allocated ahead of slot j).
const USAGE = 0;
const AFTER_WRITE = 1;
const WRITTEN = 2;
const FREED = 3;
const NONUSAGE = 4;
const PRIOR = 5;
const ALLOC = 6;
const WW = 7;
const BEFORE = 8;

/** Where part k of a row's quantities starts. */
function part(h: usize, k: i32, N: i32): usize {
  return h + ((<usize>(k * N)) << 3);
}

/** Scratch for one row's quantities. */
function rowScratch(N: i32): usize {
  return f64s(8 * N + ((N * N + 7) >> 3));
}

/** Fills `h` with row b's quantities. */
function row(h: usize, pw: usize, u0: usize, free: usize, read: usize, ga: usize, gw: usize, content: usize, b: i32, N: i32, R: i32): void {
  const eps = <f32>EPS;
  const keep = <f32>(1 - EPS);
  const one: f32 = 1;
  for (let j = 0; j < N; j++) {
    const i = b * N + j;
    const written: f32 = one - (one - f32of(pw, i));
    put(part(h, WRITTEN, N), j, written);
    const u: f32 = f32of(u0, i);
    const after: f32 = u + (one - u) * written;
    put(part(h, AFTER_WRITE, N), j, after);
    let freed: f32 = 1;
    for (let r = 0; r < R; r++) {
      const t: f32 = one - f32of(free, b * R + r) * f32of(read, (b * R + r) * N + j);
      freed = r == 0 ? t : freed * t;
    }
    put(part(h, FREED, N), j, freed);
    const usage: f32 = after * freed;
    put(part(h, USAGE, N), j, usage);
    put(part(h, NONUSAGE, N), j, <f64>(one - (eps + keep * usage)));
  }
  for (let j = 0; j < N; j++) {
    const nj = <f32>at(part(h, NONUSAGE, N), j);
    let s = 0.0;
    for (let k = 0; k < N; k++) {
      const nk = <f32>at(part(h, NONUSAGE, N), k);
      const d: f32 = nk - nj;
      const first = d > 0 || (d == 0 && k < j);
      store<u8>(part(h, BEFORE, N) + <usize>(j * N + k), first ? 1 : 0);
      if (first) s += Math.log(<f64>(one - nk));
    }
    const prior = Math.exp(s);
    put(part(h, PRIOR, N), j, prior);
    const alloc = at(part(h, NONUSAGE, N), j) * prior;
    put(part(h, ALLOC, N), j, alloc);
    const a = f32at(ga, b);
    put(part(h, WW, N), j, f32at(gw, b) * (a * alloc + (1 - a) * f32at(content, b * N + j)));
  }
}

/** [usage, allocation, write weights] side by side, [B, 3N], into out. */
export function writeForward(
  pw: usize,
  u0: usize,
  free: usize,
  read: usize,
  ga: usize,
  gw: usize,
  content: usize,
  out: usize,
  scratch: usize,
  B: i32,
  N: i32,
  R: i32,
): void {
  scratchAt(scratch);
  const h = rowScratch(N);
  for (let b = 0; b < B; b++) {
    row(h, pw, u0, free, read, ga, gw, content, b, N, R);
    memory.copy(out + ((<usize>(b * 3 * N)) << 3), part(h, USAGE, N), (<usize>N) << 3);
    memory.copy(out + ((<usize>(b * 3 * N + N)) << 3), part(h, ALLOC, N), (<usize>N) << 3);
    memory.copy(out + ((<usize>(b * 3 * N + 2 * N)) << 3), part(h, WW, N), (<usize>N) << 3);
  }
}

/** The gradients for pw (0: a stop-gradient; left as the caller zeroed it), u0, free, read, ga, gw and content. */
export function writeBackward(
  pw: usize,
  u0: usize,
  free: usize,
  read: usize,
  ga: usize,
  gw: usize,
  content: usize,
  dy: usize,
  dPw: usize,
  dU0: usize,
  dFree: usize,
  dRead: usize,
  dGa: usize,
  dGw: usize,
  dContent: usize,
  scratch: usize,
  B: i32,
  N: i32,
  R: i32,
): void {
  scratchAt(scratch);
  const h = rowScratch(N);
  const dS = f64s(N);
  const dNon = f64s(N);
  for (let b = 0; b < B; b++) {
    row(h, pw, u0, free, read, ga, gw, content, b, N, R);
    const a = f32at(ga, b);
    const w = f32at(gw, b);
    const g = b * 3 * N;
    for (let j = 0; j < N; j++) {
      const dWw = f32at(dy, g + 2 * N + j);
      const alloc = at(part(h, ALLOC, N), j);
      const c = f32at(content, b * N + j);
      addTo(dGa, b, w * dWw * (alloc - c));
      addTo(dGw, b, dWw * (a * alloc + (1 - a) * c));
      put(dContent, b * N + j, dWw * w * (1 - a));
      const dAlloc = f32at(dy, g + N + j) + dWw * w * a;
      // alloc = nonusage·prior, prior = exp(S), S_j = Σ_k before[j, k]·log(1 − nonusage_k).
      put(dNon, j, dAlloc * at(part(h, PRIOR, N), j));
      put(dS, j, dAlloc * at(part(h, NONUSAGE, N), j) * at(part(h, PRIOR, N), j));
    }
    for (let k = 0; k < N; k++) {
      let dLog = 0.0;
      for (let j = 0; j < N; j++) if (load<u8>(part(h, BEFORE, N) + <usize>(j * N + k))) dLog += at(dS, j);
      addTo(dNon, k, -dLog / (1 - at(part(h, NONUSAGE, N), k)));
    }
    for (let j = 0; j < N; j++) {
      // nonusage = 1 − ε − (1 − ε)·usage; usage = afterWrite·freed; freed = Π_r (1 − f_r·read_rj).
      const dUsage = f32at(dy, g + j) - (1 - EPS) * at(dNon, j);
      put(dU0, b * N + j, dUsage * at(part(h, FREED, N), j) * (1 - at(part(h, WRITTEN, N), j)));
      const dFreed = dUsage * at(part(h, AFTER_WRITE, N), j);
      for (let r = 0; r < R; r++) {
        let others = 1.0;
        for (let q = 0; q < R; q++) if (q != r) others *= 1 - f32at(free, b * R + q) * f32at(read, (b * R + q) * N + j);
        const dTerm = dFreed * others;
        addTo(dFree, b * R + r, -dTerm * f32at(read, (b * R + r) * N + j));
        put(dRead, (b * R + r) * N + j, -dTerm * f32at(free, b * R + r));
      }
    }
  }
}
