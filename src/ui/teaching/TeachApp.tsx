import { useEffect, useMemo, useState } from 'react';
import { numericSetting } from '../../optim/catalogue';
import { L4_SETTINGS } from '../../optim/stepsizes/l4.meta';
import { checkParam, type ParamSpec } from '../../lib/settings';
import { ParamInput } from '../controls/ParamInput';
import { parseClassroom, type Hideable, type LessonStep } from './classroom';
import { DEMOS } from './demos';
import { Explainer1D } from './Explainer1D';
import { Explainer2D } from './Explainer2D';
import { DEFAULT_1D, FUNCTIONS_1D, step1d, type Fn1D, type Step1dSettings } from './step1d';

// The same settings, with the same domains, as the lab's optimizers (their specs, read through the catalogue).
const setting = (list: readonly ParamSpec[], key: string) => list.find((s) => s.key === key)!;
const ALPHA = setting(L4_SETTINGS, 'alpha');
const GAMMA = setting(L4_SETTINGS, 'gamma');
const TAU = setting(L4_SETTINGS, 'tau');
const FSTAR = numericSetting('polyak', 'fStar');
const LR = numericSetting('sgd', 'learningRate');

const fmt = (v: number | null) =>
  v === null
    ? '—'
    : !Number.isFinite(v)
      ? String(v)
      : Math.abs(v) < 1e-3 && v !== 0
        ? v.toExponential(3)
        : String(Number(v.toPrecision(4)));

interface State {
  settings: Step1dSettings;
  x: number;
  lossMin: number;
  history: number[];
}

const initialState = (settings: Step1dSettings, x = 2): State => ({ settings, x, lossMin: Infinity, history: [] });

/** The teaching page: the 1-D explainer, the numbers of the step, one-click demonstrations, classroom mode. */
export function TeachApp() {
  const classroom = useMemo(() => parseClassroom(location.search), []);
  const hidden = (k: Hideable) => classroom.hidden.has(k);
  const [st, setSt] = useState<State>(() => initialState(DEFAULT_1D));
  const [demoResult, setDemoResult] = useState<{ id: string; lines: string[] } | null>(null);
  const [lessonStep, setLessonStep] = useState(0);
  const [answered, setAnswered] = useState(false);
  const { settings, x, lossMin } = st;
  const step = useMemo(() => step1d(settings, x, lossMin), [settings, x, lossMin]);

  const set = (patch: Partial<Step1dSettings>) => setSt((s) => ({ ...s, settings: { ...s.settings, ...patch } }));
  const takeSteps = (n: number) =>
    setSt((s) => {
      let { x: cx, lossMin: lm } = s;
      const history = [...s.history];
      for (let i = 0; i < n; i++) {
        const r = step1d(s.settings, cx, lm);
        history.push(cx);
        cx = r.next;
        if (r.lossMinAfter !== null) lm = r.lossMinAfter;
        if (!Number.isFinite(cx)) break;
      }
      return { ...s, x: cx, lossMin: lm, history: history.slice(-200) };
    });
  const applyLesson = (ls: LessonStep) => {
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
    setAnswered(false);
  };
  useEffect(() => {
    if (classroom.lesson) applyLesson(classroom.lesson.steps[0]!);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    (window as unknown as { __teach: unknown }).__teach = Object.freeze({
      snapshot: () => ({
        settings: { ...st.settings },
        x: st.x,
        lossMin: st.lossMin,
        steps: st.history.length,
        step: { ...step },
        hidden: [...classroom.hidden],
      }),
    });
  }, [st, step, classroom]);

  const targetName = settings.rule === 'l4' ? 'γ·L_min' : 'f*';
  const lesson = classroom.lesson;
  const ls = lesson?.steps[lessonStep];
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
      {lesson && ls && (
        <section aria-labelledby="lesson-h" className="lesson" data-testid="lesson">
          <h2 id="lesson-h">
            {lesson.title} — step {lessonStep + 1} of {lesson.steps.length}
          </h2>
          <p>{ls.text}</p>
          <p>
            <strong>Predict, then run:</strong> {ls.question}
          </p>
          <button
            type="button"
            onClick={() => {
              takeSteps(ls.run);
              setAnswered(true);
            }}
          >
            Run the lesson step
          </button>
          {answered && (
            <p data-testid="lesson.answer">
              {ls.answer}{' '}
              {lessonStep + 1 < lesson.steps.length && (
                <button
                  type="button"
                  onClick={() => {
                    setLessonStep(lessonStep + 1);
                    applyLesson(lesson.steps[lessonStep + 1]!);
                  }}
                >
                  Next
                </button>
              )}
            </p>
          )}
        </section>
      )}
      <div className="teach-grid">
        <Explainer1D
          settings={settings}
          x={x}
          step={step}
          history={hidden('history') ? [] : st.history}
          onMove={(nx) => setSt((s) => ({ ...s, x: nx }))}
        />
        <div>
          {!hidden('numbers') && (
            <table className="numbers" data-testid="numbers">
              <caption>This step</caption>
              <tbody>
                <tr>
                  <th scope="row">x</th>
                  <td data-testid="numbers.x">{fmt(x)}</td>
                </tr>
                <tr>
                  <th scope="row">L</th>
                  <td data-testid="numbers.loss">{fmt(step.loss)}</td>
                </tr>
                {step.target !== null && (
                  <tr>
                    <th scope="row">{targetName}</th>
                    <td data-testid="numbers.target">{fmt(step.target)}</td>
                  </tr>
                )}
                {settings.rule === 'l4' && (
                  <tr>
                    <th scope="row">L_min</th>
                    <td data-testid="numbers.lossMin">{fmt(step.lossMinUsed)}</td>
                  </tr>
                )}
                <tr>
                  <th scope="row">gᵀv</th>
                  <td data-testid="numbers.gdotv">{fmt(step.gDotV)}</td>
                </tr>
                <tr>
                  <th scope="row">η</th>
                  <td data-testid="numbers.eta">{fmt(step.eta)}</td>
                </tr>
                <tr>
                  <th scope="row">next x</th>
                  <td data-testid="numbers.next">{fmt(step.next)}</td>
                </tr>
              </tbody>
            </table>
          )}
          {step.skipped && (
            <p role="status" data-testid="numbers.skipped">
              No step: {step.skipped}.
            </p>
          )}
          {!hidden('formula') && (
            <p className="formula" data-testid="formula">
              {settings.rule === 'l4' && (
                <>
                  η = α·(L − γ·L_min) / (gᵀv + ε) = {fmt(settings.alpha)}·({fmt(step.loss)} − {fmt(step.target)}) / {fmt(step.gDotV)} ={' '}
                  {fmt(step.eta)} (eq. 6)
                </>
              )}
              {settings.rule === 'polyak' && (
                <>
                  η = α·(L − f*) / (gᵀv + ε) = {fmt(settings.alpha)}·({fmt(step.loss)} − {fmt(settings.fStar)}) / {fmt(step.gDotV)} ={' '}
                  {fmt(step.eta)}
                </>
              )}
              {settings.rule === 'sgd' && <>η = lr = {fmt(settings.lr)}: SGD ignores the loss.</>}
            </p>
          )}
        </div>
      </div>
      <section aria-label="controls" className="teach-controls">
        {!hidden('function') && (
          <label>
            Function{' '}
            <select
              aria-label="function"
              value={settings.fn}
              onChange={(e) => setSt(initialState({ ...settings, fn: e.target.value as Fn1D }, x))}
            >
              {(Object.keys(FUNCTIONS_1D) as Fn1D[]).map((f) => (
                <option key={f} value={f}>
                  {FUNCTIONS_1D[f].title}
                </option>
              ))}
            </select>
          </label>
        )}{' '}
        {!hidden('rule') && (
          <label>
            Rule{' '}
            <select
              aria-label="rule"
              value={settings.rule}
              onChange={(e) => setSt(initialState({ ...settings, rule: e.target.value as Step1dSettings['rule'] }, x))}
            >
              <option value="l4">L4 (target γ·L_min)</option>
              <option value="polyak">Polyak (known f*)</option>
              <option value="sgd">SGD (constant rate)</option>
            </select>
          </label>
        )}{' '}
        {settings.rule !== 'sgd' && !hidden('alpha') && (
          <ParamInput context="explainer" spec={ALPHA} value={settings.alpha} onChange={(alpha) => set({ alpha })} />
        )}
        {settings.rule === 'l4' && !hidden('gamma') && (
          <ParamInput context="explainer" spec={GAMMA} value={settings.gamma} onChange={(gamma) => set({ gamma })} />
        )}
        {settings.rule === 'l4' && !hidden('tau') && (
          <ParamInput context="explainer" spec={TAU} value={settings.tau} onChange={(tau) => set({ tau })} />
        )}
        {settings.rule === 'polyak' && !hidden('fstar') && (
          <ParamInput context="explainer" spec={FSTAR} value={settings.fStar} onChange={(fStar) => set({ fStar })} />
        )}
        {settings.rule === 'sgd' && <ParamInput context="explainer" spec={LR} value={settings.lr} onChange={(lr) => set({ lr })} />}
        <p>
          <button type="button" onClick={() => takeSteps(1)}>
            Step
          </button>{' '}
          <button type="button" onClick={() => takeSteps(10)}>
            Run 10 steps
          </button>{' '}
          <button type="button" onClick={() => setSt(initialState(settings, 2))}>
            Reset
          </button>{' '}
          <span data-testid="steps-taken">{st.history.length} steps taken</span>
          {checkParam(ALPHA, settings.alpha) === null && settings.rule === 'l4' && settings.alpha > 1 && (
            <small> (α above 1 overshoots the linearised target)</small>
          )}
        </p>
      </section>
      {!hidden('2d') && <Explainer2D />}
      {!hidden('demos') && (
        <section aria-labelledby="demos-h" data-testid="demos">
          <h2 id="demos-h">One-click demonstrations</h2>
          <ul className="demos">
            {DEMOS.map((d) => (
              <li key={d.id}>
                <button
                  type="button"
                  onClick={() => {
                    setDemoResult({ id: d.id, lines: d.run() });
                    setSt(initialState(d.show.settings, d.show.x0));
                    takeSteps(d.show.steps);
                  }}
                >
                  {d.title}
                </button>{' '}
                <span>{d.explanation}</span>
                {demoResult?.id === d.id && (
                  <output data-testid={`demo.${d.id}.result`} className="demo-result">
                    {demoResult.lines.map((l) => (
                      <span key={l}>
                        {l}
                        <br />
                      </span>
                    ))}
                  </output>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
