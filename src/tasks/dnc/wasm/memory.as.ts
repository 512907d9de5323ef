// Steps 7–11 for one write head (../fusedMemory.ts): erase and add, the temporal link and precedence; the read
// weights from the link and the content weights, and the read words.
import { addTo, at, f32at, put } from './common.as';

/** Per row [memory N·W, link N·N (diagonal 0), precedence N] into out [B, N·W + N·N + N]. */
export function memoryForward(
  memory: usize,
  ww: usize,
  erase: usize,
  add: usize,
  link: usize,
  precedence: usize,
  out: usize,
  scratch: usize,
  B: i32,
  N: i32,
  W: i32,
): void {
  const size = N * W + N * N + N;
  for (let b = 0; b < B; b++) {
    const o = b * size;
    let sum = 0.0;
    for (let n = 0; n < N; n++) {
      const w = f32at(ww, b * N + n);
      sum += w;
      for (let x = 0; x < W; x++) {
        const m = (b * N + n) * W + x;
        put(out, o + n * W + x, f32at(memory, m) * (1 - w * f32at(erase, b * W + x)) + w * f32at(add, b * W + x));
      }
      for (let j = 0; j < N; j++)
        put(
          out,
          o + N * W + n * N + j,
          n == j ? 0 : (1 - w - f32at(ww, b * N + j)) * f32at(link, (b * N + n) * N + j) + w * f32at(precedence, b * N + j),
        );
    }
    for (let n = 0; n < N; n++) put(out, o + N * W + N * N + n, (1 - sum) * f32at(precedence, b * N + n) + f32at(ww, b * N + n));
  }
}

/** The gradients for the previous memory, the write weights, erase and add vectors, previous link and precedence. */
export function memoryBackward(
  memory: usize,
  ww: usize,
  erase: usize,
  add: usize,
  link: usize,
  precedence: usize,
  dy: usize,
  dMemory: usize,
  dWw: usize,
  dErase: usize,
  dAdd: usize,
  dLink: usize,
  dPrec: usize,
  scratch: usize,
  B: i32,
  N: i32,
  W: i32,
): void {
  const size = N * W + N * N + N;
  for (let b = 0; b < B; b++) {
    const o = b * size;
    let sum = 0.0;
    let dSum = 0.0;
    for (let n = 0; n < N; n++) sum += f32at(ww, b * N + n);
    for (let n = 0; n < N; n++) {
      const w = f32at(ww, b * N + n);
      let dw = 0.0;
      for (let x = 0; x < W; x++) {
        const m = (b * N + n) * W + x;
        const g = f32at(dy, o + n * W + x);
        const e = f32at(erase, b * W + x);
        put(dMemory, m, g * (1 - w * e));
        dw += g * (f32at(add, b * W + x) - f32at(memory, m) * e);
        addTo(dErase, b * W + x, -(g * f32at(memory, m) * w));
        addTo(dAdd, b * W + x, g * w);
      }
      for (let j = 0; j < N; j++) {
        if (n == j) continue;
        const g = f32at(dy, o + N * W + n * N + j);
        const l = f32at(link, (b * N + n) * N + j);
        put(dLink, (b * N + n) * N + j, g * (1 - w - f32at(ww, b * N + j)));
        dw += g * (f32at(precedence, b * N + j) - l);
        addTo(dWw, b * N + j, -(g * l));
        addTo(dPrec, b * N + j, g * w);
      }
      const gp = f32at(dy, o + N * W + N * N + n);
      addTo(dPrec, b * N + n, gp * (1 - sum));
      dSum -= gp * f32at(precedence, b * N + n);
      addTo(dWw, b * N + n, dw + gp);
    }
    for (let n = 0; n < N; n++) addTo(dWw, b * N + n, dSum);
  }
}

/**
 * Per row: forward fw_ri = Σ_j r_rj·L_ij and backward bw_ri = Σ_j r_rj·L_ji, the read weights mb·bw + mf·fw + mc·c
 * (modes [backward, forward, content]) and the read words Σ_n rw_rn·M_n, flat: [rw, fw, bw (R·N each), words (R·W)].
 */
export function readForward(
  read: usize,
  link: usize,
  modes: usize,
  content: usize,
  memory: usize,
  out: usize,
  scratch: usize,
  B: i32,
  R: i32,
  N: i32,
  W: i32,
): void {
  const size = 3 * R * N + R * W;
  for (let b = 0; b < B; b++) {
    const o = b * size;
    const lo = b * N * N;
    const mo = b * N * W;
    for (let r = 0; r < R; r++) {
      const ro = (b * R + r) * N;
      const mb = f32at(modes, (b * R + r) * 3);
      const mf = f32at(modes, (b * R + r) * 3 + 1);
      const mc = f32at(modes, (b * R + r) * 3 + 2);
      for (let i = 0; i < N; i++) {
        let fw = 0.0;
        let bw = 0.0;
        const li = lo + i * N;
        for (let j = 0; j < N; j++) {
          const rj = f32at(read, ro + j);
          fw += rj * f32at(link, li + j);
          bw += rj * f32at(link, lo + j * N + i);
        }
        put(out, o + R * N + r * N + i, fw);
        put(out, o + 2 * R * N + r * N + i, bw);
        put(out, o + r * N + i, mc * f32at(content, ro + i) + mf * fw + mb * bw);
      }
      for (let w = 0; w < W; w++) {
        let sum = 0.0;
        for (let n = 0; n < N; n++) sum += at(out, o + r * N + n) * f32at(memory, mo + n * W + w);
        put(out, o + 3 * R * N + r * W + w, sum);
      }
    }
  }
}

/** The gradients for the previous read weights, the link, the modes, the content weights and the memory. */
export function readBackward(
  read: usize,
  link: usize,
  modes: usize,
  content: usize,
  memory: usize,
  out: usize,
  dy: usize,
  dRead: usize,
  dLink: usize,
  dModes: usize,
  dContent: usize,
  dMemory: usize,
  scratch: usize,
  B: i32,
  R: i32,
  N: i32,
  W: i32,
): void {
  const size = 3 * R * N + R * W;
  const dRw = scratch;
  for (let b = 0; b < B; b++) {
    const o = b * size;
    const lo = b * N * N;
    const mo = b * N * W;
    for (let r = 0; r < R; r++) {
      const ro = (b * R + r) * N;
      const qo = (b * R + r) * 3;
      // words = rw·M: the read weights' gradient and the memory's.
      for (let n = 0; n < N; n++) {
        let d = f32at(dy, o + r * N + n);
        const rw = f32at(out, o + r * N + n);
        for (let w = 0; w < W; w++) {
          const gw = f32at(dy, o + 3 * R * N + r * W + w);
          d += gw * f32at(memory, mo + n * W + w);
          addTo(dMemory, mo + n * W + w, gw * rw);
        }
        put(dRw, n, d);
      }
      const mb = f32at(modes, qo);
      const mf = f32at(modes, qo + 1);
      const mc = f32at(modes, qo + 2);
      for (let i = 0; i < N; i++) {
        const d = at(dRw, i);
        addTo(dModes, qo + 2, d * f32at(content, ro + i));
        addTo(dModes, qo + 1, d * f32at(out, o + R * N + r * N + i));
        addTo(dModes, qo, d * f32at(out, o + 2 * R * N + r * N + i));
        put(dContent, ro + i, d * mc);
        // fw_ri = Σ_j r_rj·L_ij and bw_ri = Σ_j r_rj·L_ji, with their own gradients from the trace beside.
        const dFw = d * mf + f32at(dy, o + R * N + r * N + i);
        const dBw = d * mb + f32at(dy, o + 2 * R * N + r * N + i);
        const li = lo + i * N;
        for (let j = 0; j < N; j++) {
          const rj = f32at(read, ro + j);
          addTo(dRead, ro + j, dFw * f32at(link, li + j) + dBw * f32at(link, lo + j * N + i));
          addTo(dLink, li + j, dFw * rj);
          addTo(dLink, lo + j * N + i, dBw * rj);
        }
      }
    }
  }
}
