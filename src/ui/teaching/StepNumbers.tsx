import type { Step1d, Step1dSettings } from './step1d';

/** A number for the step's table: a few significant digits, small ones in exponent form, "—" for none. */
export const fmt = (v: number | null) =>
  v === null
    ? '—'
    : !Number.isFinite(v)
      ? String(v)
      : Math.abs(v) < 1e-3 && v !== 0
        ? v.toExponential(3)
        : String(Number(v.toPrecision(4)));

/** The numbers of the step the point is at, and why no step is taken when none is. */
export function StepNumbers({
  settings,
  x,
  step,
  hideAnswer = false,
}: {
  settings: Step1dSettings;
  x: number;
  step: Step1d;
  /** While a lesson waits for the prediction: where the step lands is not shown. */
  hideAnswer?: boolean;
}) {
  const row = (name: string, id: string, v: number | null) => (
    <tr>
      <th scope="row">{name}</th>
      <td data-testid={`numbers.${id}`}>{fmt(v)}</td>
    </tr>
  );
  return (
    <>
      <table className="numbers" data-testid="numbers">
        <caption>This step</caption>
        <tbody>
          {row('x', 'x', x)}
          {row('L', 'loss', step.loss)}
          {step.target !== null && row(settings.rule === 'l4' ? 'γ·L_min' : 'f*', 'target', step.target)}
          {settings.rule === 'l4' && row('L_min', 'lossMin', step.lossMinUsed)}
          {row('gᵀv', 'gdotv', step.gDotV)}
          {row('η', 'eta', step.eta)}
          {hideAnswer ? (
            <tr>
              <th scope="row">next x</th>
              <td data-testid="numbers.next">? (predict, then run)</td>
            </tr>
          ) : (
            row('next x', 'next', step.next)
          )}
        </tbody>
      </table>
    </>
  );
}

/** The rule's formula with this step's numbers in it. */
export function StepFormula({ settings, step }: { settings: Step1dSettings; step: Step1d }) {
  return (
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
  );
}
