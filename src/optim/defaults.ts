/** The paper's default L4 settings (Sec. 2.4 and eq. 7). Free of tfjs so the UI can import it cheaply. */
export const L4_DEFAULTS = {
  /** Fraction of the linearised step taken (eq. 3); relevant range 0.10–0.30. */
  alpha: 0.15,
  /** Fraction of the lowest seen loss believed achievable (eq. 6). */
  gamma: 0.9,
  /** Timescale over which L_min is forgotten (eq. 5). */
  tau: 1000,
  /** L_min starts at γ0 times the first loss. */
  gamma0: 0.75,
  /** Regulariser of the denominator gᵀv (eq. 6). */
  epsilon: 1e-12,
  /** Timescale τm of the gradient EMA used as the estimate g (eq. 7). */
  gradTimescale: 10,
} as const;
