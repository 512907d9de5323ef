import { DEFAULT_1D, FUNCTIONS_1D, run1d, type Step1dSettings } from './step1d';

/** A one-click demonstration: two sentences, and a result computed on the spot. */
export interface Demo {
  readonly id: string;
  readonly title: string;
  readonly explanation: string;
  /** The explainer's state to show afterwards. */
  readonly show: { settings: Step1dSettings; x0: number; steps: number };
  run(): string[];
}

const fmt = (v: number) =>
  !Number.isFinite(v) || Math.abs(v) > 1e3 ? 'diverged' : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toPrecision(3);
const last = (s: Step1dSettings, x0: number, n: number) => {
  const path = run1d(s, x0, n);
  return path.at(-1)!.next;
};

const L4 = { ...DEFAULT_1D, rule: 'l4' as const, alpha: 0.3 };

/** The points of a run, as numbers for a comparison. */
const path = (s: Step1dSettings, x0: number, n: number) => run1d(s, x0, n).map((p) => p.next);

export const DEMOS: Demo[] = [
  {
    id: 'scale',
    title: 'Scale the loss',
    explanation:
      'L4 divides L − γ·L_min by gᵀv, so multiplying the loss by a > 0 scales both and leaves the step unchanged (Sec. 2.3). SGD’s step grows with the loss’s scale, and at 25× it diverges.',
    show: { settings: { ...L4, scale: 25 }, x0: 2, steps: 30 },
    run() {
      const a = last(L4, 2, 30);
      const b = last({ ...L4, scale: 25 }, 2, 30);
      const sgd = { ...DEFAULT_1D, rule: 'sgd' as const, lr: 0.1 };
      return [
        `L4: x after 30 steps = ${fmt(a)} for L and ${fmt(b)} for 25·L (the same).`,
        `SGD (lr 0.1): ${fmt(last(sgd, 2, 30))} for L, ${fmt(last({ ...sgd, scale: 25 }, 2, 30))} for 25·L.`,
      ];
    },
  },
  {
    id: 'shift',
    title: 'Shift the loss',
    explanation:
      'Adding a constant b changes L − γ·L_min by (1 − γ)·b, so L4 keeps aiming below a minimum it can never reach and overshoots. This is the open issue in the authors’ repository: L4 wants L_min near the true minimum.',
    show: { settings: { ...L4, shift: 5 }, x0: 2, steps: 30 },
    run() {
      return [`L4: x after 30 steps = ${fmt(last(L4, 2, 30))} for L, but ${fmt(last({ ...L4, shift: 5 }, 2, 30))} for L + 5.`];
    },
  },
  {
    id: 'wrong-fstar',
    title: 'A wrong f* for Polyak',
    explanation:
      'Polyak’s step aims the tangent at the known minimum f*. Too high and it stalls short of the minimum; too low and every step overshoots.',
    show: { settings: { ...DEFAULT_1D, rule: 'polyak', alpha: 1, fStar: -1 }, x0: 2, steps: 12 },
    run() {
      const p = { ...DEFAULT_1D, rule: 'polyak' as const, alpha: 1 };
      return [
        `f* = 0 (right): x after 12 steps = ${fmt(last(p, 2, 12))}.`,
        `f* = 0.5 (too high): x = ${fmt(last({ ...p, fStar: 0.5 }, 2, 12))}, stuck where L = 0.5.`,
        `f* = −1 (too low): x = ${fmt(last({ ...p, fStar: -1 }, 2, 12))}, jumping across the minimum.`,
      ];
    },
  },
  {
    id: 'noise',
    title: 'Small-batch noise',
    explanation:
      'With small batches each step sees a noisy loss, and a large linearised step chases the noise. The authors’ README advises a lower α for small batches: here α = 0.05 ends far lower than α = 0.5.',
    show: { settings: { ...L4, alpha: 0.05, noise: 0.3 }, x0: 2, steps: 500 },
    run() {
      const mean = (alpha: number) => {
        const path = run1d({ ...L4, alpha, noise: 0.3 }, 2, 500);
        const xs = path.slice(-125).map((p) => FUNCTIONS_1D.quadratic.f(p.next, 1));
        return xs.reduce((s, v) => s + v, 0) / xs.length;
      };
      return [`Mean true loss over the last 125 of 500 noisy steps: α = 0.5 → ${fmt(mean(0.5))}; α = 0.05 → ${fmt(mean(0.05))}.`];
    },
  },
  {
    id: 'alpha-large',
    title: 'α too large',
    explanation:
      'A step that overshoots lands where the loss is no new best, so γ·L_min stays far below L and the next step is larger still. At α = 30 the steps grow without end; the paper’s range 0.10–0.30 leaves a wide margin.',
    show: { settings: { ...L4, alpha: 30 }, x0: 2, steps: 12 },
    run() {
      return [
        `x after 40 steps: α = 0.15 → ${fmt(last({ ...L4, alpha: 0.15 }, 2, 40))}; α = 10 → ${fmt(last({ ...L4, alpha: 10 }, 2, 40))}; α = 30 → ${fmt(last({ ...L4, alpha: 30 }, 2, 40))}.`,
      ];
    },
  },
  {
    id: 'bad-batch',
    title: 'A bad batch',
    explanation:
      'One batch in the middle of a run has a NaN loss and gradient, as a corrupt example or an overflow gives. The step is skipped and counted, so the run ends exactly where the same run without that batch ends, while a step taken with it writes NaN into x for good.',
    show: { settings: { ...L4, badStep: 10 }, x0: 2, steps: 30 },
    run() {
      const withBad = run1d({ ...L4, badStep: 10 }, 2, 30);
      // The run without that batch: the 29 good steps alone.
      const without = run1d(L4, 2, 29).at(-1)!.next;
      const skipped = withBad.filter((p) => p.skipped !== null).length;
      const x = withBad.at(-1)!.next;
      const lost = path({ ...L4, badStep: null }, 2, 10).at(-1)! - 0.3 * NaN;
      return [
        `x after 30 steps, the batch of step 11 bad: ${x.toPrecision(6)}, with ${skipped} step skipped.`,
        `x after the 29 good steps alone: ${without.toPrecision(6)} (${Object.is(x, without) ? 'identical' : 'different'}).`,
        `Had the step been taken, x − η·NaN = ${lost}, and every later point NaN too.`,
      ];
    },
  },
  {
    id: 'new-best',
    title: 'The “new best batch”',
    explanation:
      'When a loss is a new minimum, L_min becomes that loss. With γ = 1 the target is the loss itself, so the step is zero; γ = 0.9 keeps a step.',
    show: { settings: { ...L4, gamma: 1, alpha: 2 }, x0: 2, steps: 2 },
    run() {
      const [, second] = run1d({ ...L4, gamma: 1, alpha: 2 }, 2, 2);
      const [, other] = run1d({ ...L4, gamma: 0.9, alpha: 2 }, 2, 2);
      return [
        `Step 2 with γ = 1: L = ${fmt(second!.loss)} is a new minimum, so η = ${fmt(second!.eta)}. With γ = 0.9: η = ${fmt(other!.eta)}.`,
      ];
    },
  },
];
