import { useEffect, useMemo, useState } from 'react';
import type { Classroom, LessonStep } from './classroom';
import { DEFAULT_1D, step1d, type Step1dSettings } from './step1d';

export interface TeachState {
  settings: Step1dSettings;
  x: number;
  lossMin: number;
  /** The last 200 points. */
  history: number[];
  /** Steps taken since the start, and how many of them were skipped (a bad batch). */
  taken: number;
  skipped: number;
}

export const initialState = (settings: Step1dSettings, x = 2): TeachState => ({
  settings,
  x,
  lossMin: Infinity,
  history: [],
  taken: 0,
  skipped: 0,
});

/** The 1-D explainer's state and its moves: the point, L_min, the steps taken; published as `window.__teach` for tests. */
export function useTeach(classroom: Classroom) {
  const [st, setSt] = useState<TeachState>(() => initialState(DEFAULT_1D));
  const { settings, x, lossMin, taken } = st;
  // The step about to be taken: the bad batch's when it is next.
  const step = useMemo(() => step1d(settings, x, lossMin, 0, settings.badStep === taken), [settings, x, lossMin, taken]);
  const set = (patch: Partial<Step1dSettings>) => setSt((s) => ({ ...s, settings: { ...s.settings, ...patch } }));
  const takeSteps = (n: number) =>
    setSt((s) => {
      let { x: cx, lossMin: lm, taken: k, skipped } = s;
      const history = [...s.history];
      for (let i = 0; i < n; i++) {
        const bad = s.settings.badStep === k;
        const r = step1d(s.settings, cx, lm, 0, bad);
        history.push(cx);
        cx = r.next;
        k++;
        if (bad) skipped++;
        if (r.lossMinAfter !== null) lm = r.lossMinAfter;
        if (!Number.isFinite(cx)) break;
      }
      return { ...s, x: cx, lossMin: lm, history: history.slice(-200), taken: k, skipped };
    });
  /** A lesson step's set-up, from a fresh start. */
  const applyLesson = (ls: LessonStep) =>
    setSt(
      initialState(
        {
          ...DEFAULT_1D,
          rule: ls.setup.rule,
          fn: ls.setup.fn,
          alpha: ls.setup.alpha,
          gamma: ls.setup.gamma ?? 0.9,
          fStar: ls.setup.fStar ?? 0,
        },
        ls.setup.x0,
      ),
    );
  useEffect(() => {
    (window as unknown as { __teach: unknown }).__teach = Object.freeze({
      snapshot: () => ({
        settings: { ...st.settings },
        x: st.x,
        lossMin: st.lossMin,
        steps: st.taken,
        skipped: st.skipped,
        step: { ...step },
        hidden: [...classroom.hidden],
      }),
    });
  }, [st, step, classroom]);
  return { st, setSt, step, set, takeSteps, applyLesson };
}
