// Usage, allocation and the write weights of one write head (../fusedWrite.ts), per batch row b: the previous write
// weights pw [B, N], usage u0 [B, N], free gates [B, R], read weights [B, R, N], allocation and write gates [B],
// write content weights [B, N]. The usage and the allocation's sort keys are computed in float32 op by op, as the
// ops compute them, so that the allocation order (a constant for the gradient) is the ops' own, ties included; the
// rest in float64.
import { addTo, at, f32at, f32of, f64s, put, scratchAt } from './common.as';

const EPS: f64 = 1e-6;

// One row's forward quantities, in scratch from h: N float64 values each at these offsets, then before (N·N bytes,
// before[j·N + k] = 1 where slot k is allocated ahead of slot j).
function usageOf(h: usize, N: i32): usize {
  return h;
}
function afterWriteOf(h: usize, N: i32): usize {
  return h + ((<usize>N) << 3);
}
function writtenOf(h: usize, N: i32): usize {
  return h + ((<usize>(2 * N)) << 3);
}
function freedOf(h: usize, N: i32): usize {
  return h + ((<usize>(3 * N)) << 3);
}
function nonusageOf(h: usize, N: i32): usize {
  return h + ((<usize>(4 * N)) << 3);
}
function priorOf(h: usize, N: i32): usize {
  return h + ((<usize>(5 * N)) << 3);
}
function allocOf(h: usize, N: i32): usize {
  return h + ((<usize>(6 * N)) << 3);
}
function wwOf(h: usize, N: i32): usize {
  return h + ((<usize>(7 * N)) << 3);
}
function beforeOf(h: usize, N: i32): usize {
  return h + ((<usize>(8 * N)) << 3);
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
    put(writtenOf(h, N), j, written);
    const u: f32 = f32of(u0, i);
    const after: f32 = u + (one - u) * written;
    put(afterWriteOf(h, N), j, after);
    let freed: f32 = 1;
    for (let r = 0; r < R; r++) {
      const t: f32 = one - f32of(free, b * R + r) * f32of(read, (b * R + r) * N + j);
      freed = r == 0 ? t : freed * t;
    }
    put(freedOf(h, N), j, freed);
    const usage: f32 = after * freed;
    put(usageOf(h, N), j, usage);
    put(nonusageOf(h, N), j, <f64>(one - (eps + keep * usage)));
  }
  for (let j = 0; j < N; j++) {
    const nj = <f32>at(nonusageOf(h, N), j);
    let s = 0.0;
    for (let k = 0; k < N; k++) {
      const nk = <f32>at(nonusageOf(h, N), k);
      const d: f32 = nk - nj;
      const first = d > 0 || (d == 0 && k < j);
      store<u8>(beforeOf(h, N) + <usize>(j * N + k), first ? 1 : 0);
      if (first) s += Math.log(<f64>(one - nk));
    }
    const prior = Math.exp(s);
    put(priorOf(h, N), j, prior);
    const alloc = at(nonusageOf(h, N), j) * prior;
    put(allocOf(h, N), j, alloc);
    const a = f32at(ga, b);
    put(wwOf(h, N), j, f32at(gw, b) * (a * alloc + (1 - a) * f32at(content, b * N + j)));
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
    memory.copy(out + ((<usize>(b * 3 * N)) << 3), usageOf(h, N), (<usize>N) << 3);
    memory.copy(out + ((<usize>(b * 3 * N + N)) << 3), allocOf(h, N), (<usize>N) << 3);
    memory.copy(out + ((<usize>(b * 3 * N + 2 * N)) << 3), wwOf(h, N), (<usize>N) << 3);
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
      const alloc = at(allocOf(h, N), j);
      const c = f32at(content, b * N + j);
      addTo(dGa, b, w * dWw * (alloc - c));
      addTo(dGw, b, dWw * (a * alloc + (1 - a) * c));
      put(dContent, b * N + j, dWw * w * (1 - a));
      const dAlloc = f32at(dy, g + N + j) + dWw * w * a;
      // alloc = nonusage·prior, prior = exp(S), S_j = Σ_k before[j, k]·log(1 − nonusage_k).
      put(dNon, j, dAlloc * at(priorOf(h, N), j));
      put(dS, j, dAlloc * at(nonusageOf(h, N), j) * at(priorOf(h, N), j));
    }
    for (let k = 0; k < N; k++) {
      let dLog = 0.0;
      for (let j = 0; j < N; j++) if (load<u8>(beforeOf(h, N) + <usize>(j * N + k))) dLog += at(dS, j);
      addTo(dNon, k, -dLog / (1 - at(nonusageOf(h, N), k)));
    }
    for (let j = 0; j < N; j++) {
      // nonusage = 1 − ε − (1 − ε)·usage; usage = afterWrite·freed; freed = Π_r (1 − f_r·read_rj).
      const dUsage = f32at(dy, g + j) - (1 - EPS) * at(dNon, j);
      put(dU0, b * N + j, dUsage * at(freedOf(h, N), j) * (1 - at(writtenOf(h, N), j)));
      const dFreed = dUsage * at(afterWriteOf(h, N), j);
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
