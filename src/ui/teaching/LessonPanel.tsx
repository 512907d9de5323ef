import { useEffect, useState } from 'react';
import type { Lesson, LessonStep } from './classroom';

/** A classroom lesson: its step's text and question, the run that answers it, then the answer and Next. */
export function LessonPanel({ lesson, run, apply }: { lesson: Lesson; run: (steps: number) => void; apply: (ls: LessonStep) => void }) {
  const [index, setIndex] = useState(0);
  const [answered, setAnswered] = useState(false);
  useEffect(() => {
    apply(lesson.steps[0]!);
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
      <button
        type="button"
        onClick={() => {
          run(ls.run);
          setAnswered(true);
        }}
      >
        Run the lesson step
      </button>
      {answered && (
        <p data-testid="lesson.answer">
          {ls.answer}{' '}
          {index + 1 < lesson.steps.length && (
            <button
              type="button"
              onClick={() => {
                setIndex(index + 1);
                apply(lesson.steps[index + 1]!);
                setAnswered(false);
              }}
            >
              Next
            </button>
          )}
        </p>
      )}
    </section>
  );
}
