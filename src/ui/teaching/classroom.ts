/**
 * Classroom links (TensorFlow Playground's habit): `teach.html?hide=alpha,demos&lesson=polyak` hides the
 * named controls and panels and opens a guided sequence. Links carry data only; unknown names are ignored
 * and listed in a notice.
 */
export const HIDEABLE = ['function', 'rule', 'alpha', 'gamma', 'tau', 'fstar', 'numbers', 'formula', 'demos', 'history', '2d'] as const;
export type Hideable = (typeof HIDEABLE)[number];

export interface Lesson {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly LessonStep[];
}

export interface LessonStep {
  /** What to look at. */
  readonly text: string;
  /** "Predict, then run": the question asked before the step is taken. */
  readonly question: string;
  /** The explainer's set-up for this step. */
  readonly setup: {
    rule: 'l4' | 'polyak';
    fn: 'quadratic' | 'quartic' | 'bump' | 'abs';
    alpha: number;
    gamma?: number;
    fStar?: number;
    x0: number;
  };
  /** How many steps "Run" takes, and what to notice afterwards. */
  readonly run: number;
  readonly answer: string;
}

export const LESSONS: Record<string, Lesson> = {
  polyak: {
    id: 'polyak',
    title: 'What a Polyak step does',
    steps: [
      {
        text: 'The loss is ½·x², its minimum value f* = 0. The tangent at the point is the linearised loss.',
        question: 'Where does the tangent reach f* = 0? Where will one full Polyak step land?',
        setup: { rule: 'polyak', fn: 'quadratic', alpha: 1, fStar: 0, x0: 2 },
        run: 1,
        answer: 'At x/2: the full Polyak step halves x on every quadratic, whatever its curvature.',
      },
      {
        text: 'Now suppose we believe the minimum is f* = 0.5, which is wrong.',
        question: 'Predict: after ten steps, where does x stop?',
        setup: { rule: 'polyak', fn: 'quadratic', alpha: 1, fStar: 0.5, x0: 2 },
        run: 10,
        answer: 'At x = 1, where ½·x² = 0.5: the step aims at f*, so it stalls at the level it was told.',
      },
      {
        text: 'On |x| the slope never shrinks, so constant-rate SGD zig-zags. Polyak scales the step by the loss.',
        question: 'Predict: how many steps does the full Polyak step need from x = 2?',
        setup: { rule: 'polyak', fn: 'abs', alpha: 1, fStar: 0, x0: 2 },
        run: 1,
        answer: 'One: L/|g|² = |x|, so the step lands exactly on 0.',
      },
    ],
  },
  l4: {
    id: 'l4',
    title: 'L4: when f* is unknown',
    steps: [
      {
        text: 'L4 does not know f*. It aims at γ·L_min, a fraction of the lowest loss seen, and takes a fraction α of the way.',
        question: 'The first step sets L_min = γ0·L = 0.75·L. Where is the target line?',
        setup: { rule: 'l4', fn: 'quadratic', alpha: 0.15, gamma: 0.9, x0: 2 },
        run: 1,
        answer: 'At γ·γ0·L = 0.675·L; the step covers 15 % of the way to where the tangent meets it.',
      },
      {
        text: 'Set γ = 1 and run a few steps: every new loss is a new minimum.',
        question: 'Predict: what is η when L is a new best and γ = 1?',
        setup: { rule: 'l4', fn: 'quadratic', alpha: 2, gamma: 1, x0: 2 },
        run: 2,
        answer: 'Zero: the target equals L, so L − γ·L_min = 0. This is why γ < 1.',
      },
    ],
  },
};

export interface Classroom {
  readonly hidden: ReadonlySet<Hideable>;
  readonly lesson: Lesson | null;
  readonly notices: readonly string[];
}

export function parseClassroom(search: string): Classroom {
  const params = new URLSearchParams(search);
  const notices: string[] = [];
  const hidden = new Set<Hideable>();
  for (const name of (params.get('hide') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if ((HIDEABLE as readonly string[]).includes(name)) hidden.add(name as Hideable);
    else notices.push(`"${name.slice(0, 40)}" is not something this page can hide (it can hide ${HIDEABLE.join(', ')}).`);
  }
  const id = params.get('lesson');
  const lesson = id ? (LESSONS[id] ?? null) : null;
  if (id && !lesson) notices.push(`There is no lesson "${id.slice(0, 40)}" (there are ${Object.keys(LESSONS).join(', ')}).`);
  return { hidden, lesson, notices };
}
