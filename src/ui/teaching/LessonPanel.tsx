import { useEffect, useState } from 'react';
import type { Lesson, LessonStep } from './classroom';
import { fmt } from './StepNumbers';

/**
 * A classroom lesson: its step's text and question, with where the step lands hidden until the prediction is made
 * (`onAsking`); the run that answers it; then the answer, with the explainer's own counters, and Back, Next and
 * Restart.
 */
export function LessonPanel({
  lesson,
  run,
  apply,
  onAsking,
  now,
}: {
  lesson: Lesson;
  run: (steps: number) => void;
  apply: (ls: LessonStep) => void;
  /** Whether the lesson is waiting for a prediction (the explainer hides the answer meanwhile). */
  onAsking: (asking: boolean) => void;
  /** The explainer now: x and the steps taken since the lesson step began. */
  now: { x: number; taken: number };
}) {
  const [index, setIndex] = useState(0);
  const [answered, setAnswered] = useState(false);
  const go = (i: number) => {
    setIndex(i);
    apply(lesson.steps[i]!);
    setAnswered(false);
    onAsking(true);
  };
  useEffect(() => {
    go(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const ls = lesson.steps[index];
  if (!ls) return null;
  return (
    <section aria-labelledby="lesson-h" className="lesson" data-testid="lesson">
      <h2 id="lesson-h">
        {lesson.title} — step {index + 1} of {lesson.steps.length}
      </h2>
      <p>{ls.text}</p>
      <p>
        <strong>Predict, then run:</strong> {ls.question}
      </p>
      <p className="row">
        <button
          type="button"
          className="primary"
          disabled={answered}
          onClick={() => {
            run(ls.run);
            setAnswered(true);
            onAsking(false);
          }}
        >
          Run the lesson step ({ls.run} step{ls.run === 1 ? '' : 's'})
        </button>{' '}
        <button type="button" disabled={index === 0} onClick={() => go(index - 1)}>
          Back
        </button>{' '}
        <button type="button" onClick={() => go(0)}>
          Restart
        </button>
      </p>
      {answered && (
        <p data-testid="lesson.answer">
          {ls.answer}{' '}
          <span data-testid="lesson.now">
            (Here: x = {fmt(now.x)} after {now.taken} step{now.taken === 1 ? '' : 's'}.)
          </span>{' '}
          {index + 1 < lesson.steps.length && (
            <button type="button" onClick={() => go(index + 1)}>
              Next
            </button>
          )}
        </p>
      )}
    </section>
  );
}
