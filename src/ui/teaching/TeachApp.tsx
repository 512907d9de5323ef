import { useMemo, useState } from 'react';
import { parseClassroom, type Hideable } from './classroom';
import { DemoList } from './DemoList';
import { Explainer1D } from './Explainer1D';
import { Explainer2D } from './Explainer2D';
import { LessonPanel } from './LessonPanel';
import { StepFormula, StepNumbers } from './StepNumbers';
import { TeachControls } from './TeachControls';
import { initialState, useTeach } from './useTeach';

/** The teaching page: the 1-D explainer, the numbers of the step, one-click demonstrations, classroom mode. */
export function TeachApp() {
  const classroom = useMemo(() => parseClassroom(location.search), []);
  const hidden = (k: Hideable) => classroom.hidden.has(k);
  const { st, setSt, step, set, takeSteps, applyLesson } = useTeach(classroom);
  const { settings, x } = st;
  // While a lesson waits for a prediction, where the step lands is not shown.
  const [asking, setAsking] = useState(false);
  return (
    <main data-testid="teach">
      <header>
        <h1>What a Polyak-style step does</h1>
        <p>
          <a href="./">← back to the lab</a>
        </p>
      </header>
      {classroom.notices.length > 0 && (
        <div role="status" className="notices">
          {classroom.notices.map((n) => (
            <p key={n}>{n}</p>
          ))}
        </div>
      )}
      <p className="teach-hint" data-testid="teach.hint">
        Drag the orange point along the curve (or focus it and use the arrow keys), change α, then press <b>Step</b> to take the step drawn
        in green.
      </p>
      {classroom.lesson && (
        <LessonPanel
          lesson={classroom.lesson}
          run={takeSteps}
          apply={applyLesson}
          onAsking={setAsking}
          now={{ x: st.x, taken: st.taken }}
        />
      )}
      <div className="teach-grid">
        <Explainer1D
          settings={settings}
          x={x}
          step={step}
          history={hidden('history') ? [] : st.history}
          onMove={(nx) => setSt((s) => ({ ...s, x: nx }))}
          hideAnswer={asking}
        />
        <div>
          {!hidden('numbers') && <StepNumbers settings={settings} x={x} step={step} hideAnswer={asking} />}
          {step.skipped && (
            <p role="status" data-testid="numbers.skipped">
              No step: {step.skipped}.
            </p>
          )}
          {(st.skipped > 0 || settings.badStep !== null) && (
            <p data-testid="numbers.skippedSteps">
              Skipped steps: {st.skipped}
              {settings.badStep !== null && ` (the batch of step ${settings.badStep + 1} is bad)`}
            </p>
          )}
          {!hidden('formula') && <StepFormula settings={settings} step={step} />}
        </div>
      </div>
      <TeachControls
        settings={settings}
        steps={st.taken}
        hidden={hidden}
        restart={(s) => setSt(initialState(s, x))}
        set={set}
        takeSteps={takeSteps}
        reset={() => setSt(initialState(settings, 2))}
      />
      {!hidden('2d') && <Explainer2D />}
      {!hidden('demos') && (
        <DemoList
          show={(d) => {
            setSt(initialState(d.show.settings, d.show.x0));
            takeSteps(d.show.steps);
          }}
        />
      )}
    </main>
  );
}
