// Content addressing C(M, k, s) (../fusedContent.ts): memory [B, N, W], keys [B, K, W], strengths [B, K].
import { addTo, at, f32at, f64s, put, scratchAt } from './common.as';

const EPS: f64 = 1e-6;

/** log(1 + eˣ) without overflow. */
function softplus(x: f64): f64 {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Fills the forward's quantities: ‖M_n‖ [B·N], ‖k‖ [B·K], softplus(s) [B·K], k·M_n [B·K·N], the weights [B·K·N]. */
function content(
  memory: usize,
  keys: usize,
  strengths: usize,
  memNorm: usize,
  keyNorm: usize,
  strength: usize,
  dot: usize,
  weights: usize,
  B: i32,
  N: i32,
  K: i32,
  W: i32,
): void {
  for (let i = 0; i < B * N; i++) {
    let q = 0.0;
    for (let w = 0; w < W; w++) {
      const m = f32at(memory, i * W + w);
      q += m * m;
    }
    put(memNorm, i, Math.sqrt(q + EPS));
  }
  for (let b = 0; b < B; b++)
    for (let k = 0; k < K; k++) {
      const bk = b * K + k;
      let q = 0.0;
      for (let w = 0; w < W; w++) {
        const v = f32at(keys, bk * W + w);
        q += v * v;
      }
      const kn = Math.sqrt(q + EPS);
      put(keyNorm, bk, kn);
      const st = softplus(f32at(strengths, bk));
      put(strength, bk, st);
      let max = -Infinity;
      for (let n = 0; n < N; n++) {
        let d = 0.0;
        for (let w = 0; w < W; w++) d += f32at(keys, bk * W + w) * f32at(memory, (b * N + n) * W + w);
        put(dot, bk * N + n, d);
        const logit = (st * d) / (kn * at(memNorm, b * N + n) + EPS);
        put(weights, bk * N + n, logit);
        if (logit > max) max = logit;
      }
      let sum = 0.0;
      for (let n = 0; n < N; n++) {
        const e = Math.exp(at(weights, bk * N + n) - max);
        put(weights, bk * N + n, e);
        sum += e;
      }
      for (let n = 0; n < N; n++) put(weights, bk * N + n, at(weights, bk * N + n) / sum);
    }
}

/** C(M, k, s) into out [B, K, N]. */
export function contentForward(
  memory: usize,
  keys: usize,
  strengths: usize,
  out: usize,
  scratch: usize,
  B: i32,
  N: i32,
  K: i32,
  W: i32,
): void {
  scratchAt(scratch);
  content(memory, keys, strengths, f64s(B * N), f64s(B * K), f64s(B * K), f64s(B * K * N), out, B, N, K, W);
}

/** The gradients for M [B, N, W], k [B, K, W] and s [B, K], given dy [B, K, N]. */
export function contentBackward(
  memory: usize,
  keys: usize,
  strengths: usize,
  dy: usize,
  dMemory: usize,
  dKeys: usize,
  dStrengths: usize,
  scratch: usize,
  B: i32,
  N: i32,
  K: i32,
  W: i32,
): void {
  scratchAt(scratch);
  const memNorm = f64s(B * N);
  const keyNorm = f64s(B * K);
  const strength = f64s(B * K);
  const dot = f64s(B * K * N);
  const weights = f64s(B * K * N);
  const dMemNorm = f64s(B * N);
  const dDot = f64s(N);
  content(memory, keys, strengths, memNorm, keyNorm, strength, dot, weights, B, N, K, W);
  for (let b = 0; b < B; b++)
    for (let k = 0; k < K; k++) {
      const bk = b * K + k;
      const row = bk * N;
      // The softmax: dlogit_n = p_n·(dy_n − Σ dy·p).
      let inner = 0.0;
      for (let n = 0; n < N; n++) inner += f32at(dy, row + n) * at(weights, row + n);
      const kn = at(keyNorm, bk);
      const st = at(strength, bk);
      let dStrength = 0.0;
      let dKeyNorm = 0.0;
      for (let n = 0; n < N; n++) {
        const dLogit = at(weights, row + n) * (f32at(dy, row + n) - inner);
        const mn = at(memNorm, b * N + n);
        const den = kn * mn + EPS;
        const sim = at(dot, row + n) / den;
        dStrength += dLogit * sim;
        const dSim = dLogit * st;
        put(dDot, n, dSim / den);
        // sim = dot/den: ∂/∂den = −sim/den, and den = ‖k‖·‖M_n‖ + ε.
        const dDen = (-dSim * sim) / den;
        dKeyNorm += dDen * mn;
        addTo(dMemNorm, b * N + n, dDen * kn);
      }
      // softplus′ is the logistic function.
      put(dStrengths, bk, dStrength / (1 + Math.exp(-f32at(strengths, bk))));
      const ko = bk * W;
      for (let n = 0; n < N; n++) {
        const dd = at(dDot, n);
        const mo = (b * N + n) * W;
        for (let w = 0; w < W; w++) {
          addTo(dKeys, ko + w, dd * f32at(memory, mo + w));
          addTo(dMemory, mo + w, dd * f32at(keys, ko + w));
        }
      }
      for (let w = 0; w < W; w++) addTo(dKeys, ko + w, (dKeyNorm * f32at(keys, ko + w)) / kn);
    }
  for (let i = 0; i < B * N; i++) {
    const scale = at(dMemNorm, i) / at(memNorm, i);
    for (let w = 0; w < W; w++) addTo(dMemory, i * W + w, scale * f32at(memory, i * W + w));
  }
}
