// The controller's LSTM cell after its product (../fusedLstm.ts): gate blocks i, j, f, o of z = pre + bias [B, 4H],
// c' = σ(f + forgetBias)·c + σ(i)·tanh(j), h = tanh(c')·σ(o), both clipped to ±clip (none when 0).
import { addTo, f32at, put } from './common.as';

function sigmoid(x: f64): f64 {
  return 1 / (1 + Math.exp(-x));
}

function clipTo(x: f64, v: f64): f64 {
  return v > 0 ? Math.min(v, Math.max(-v, x)) : x;
}

/** Whether x is inside [−v, v] (the clip's gradient passes there, bounds included); always with no clip. */
function inside(x: f64, v: f64): bool {
  return v <= 0 || (x >= -v && x <= v);
}

/** [h, c', then σ(i), tanh(j), σ(f), σ(o), c', tanh(c') for the backward] per row, [B, 8H], into out. */
export function lstmForward(
  pre: usize,
  bias: usize,
  c: usize,
  out: usize,
  scratch: usize,
  B: i32,
  H: i32,
  forgetBias: f64,
  clip: f64,
): void {
  for (let b = 0; b < B; b++)
    for (let u = 0; u < H; u++) {
      const z = b * 4 * H + u;
      const o = b * 8 * H + u;
      const si = sigmoid(f32at(pre, z) + f32at(bias, u));
      const tj = Math.tanh(f32at(pre, z + H) + f32at(bias, H + u));
      const sf = sigmoid(f32at(pre, z + 2 * H) + f32at(bias, 2 * H + u) + forgetBias);
      const so = sigmoid(f32at(pre, z + 3 * H) + f32at(bias, 3 * H + u));
      const cell = sf * f32at(c, b * H + u) + si * tj;
      const th = Math.tanh(cell);
      put(out, o, clipTo(th * so, clip));
      put(out, o + H, clipTo(cell, clip));
      put(out, o + 2 * H, si);
      put(out, o + 3 * H, tj);
      put(out, o + 4 * H, sf);
      put(out, o + 5 * H, so);
      put(out, o + 6 * H, cell);
      put(out, o + 7 * H, th);
    }
}

/** The gradients for the pre-activations [B, 4H], the bias [4H] and the previous cell [B, H], given d[h, c', …]. */
export function lstmBackward(
  c: usize,
  out: usize,
  dy: usize,
  dPre: usize,
  dBias: usize,
  dc: usize,
  scratch: usize,
  B: i32,
  H: i32,
  clip: f64,
): void {
  for (let b = 0; b < B; b++)
    for (let u = 0; u < H; u++) {
      const at = b * H + u;
      const o = b * 8 * H + u;
      const si = f32at(out, o + 2 * H);
      const tj = f32at(out, o + 3 * H);
      const sf = f32at(out, o + 4 * H);
      const so = f32at(out, o + 5 * H);
      const cell = f32at(out, o + 6 * H);
      const th = f32at(out, o + 7 * H);
      const dh = inside(th * so, clip) ? f32at(dy, o) : 0;
      const dCell = (inside(cell, clip) ? f32at(dy, o + H) : 0) + dh * so * (1 - th * th);
      const z = b * 4 * H + u;
      const d0 = dCell * tj * si * (1 - si);
      const d1 = dCell * si * (1 - tj * tj);
      const d2 = dCell * f32at(c, at) * sf * (1 - sf);
      const d3 = dh * th * so * (1 - so);
      put(dPre, z, d0);
      put(dPre, z + H, d1);
      put(dPre, z + 2 * H, d2);
      put(dPre, z + 3 * H, d3);
      addTo(dBias, u, d0);
      addTo(dBias, H + u, d1);
      addTo(dBias, 2 * H + u, d2);
      addTo(dBias, 3 * H + u, d3);
      put(dc, at, dCell * sf);
    }
}
