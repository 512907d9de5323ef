import { useState } from 'react';
import { DEMOS, type Demo } from './demos';

/** The one-click demonstrations: each runs its experiment, shows its result and sets the explainer up to show it. */
export function DemoList({ show }: { show: (d: Demo) => void }) {
  const [result, setResult] = useState<{ id: string; lines: string[] } | null>(null);
  return (
    <section aria-labelledby="demos-h" data-testid="demos">
      <h2 id="demos-h">One-click demonstrations</h2>
      <ul className="demos">
        {DEMOS.map((d) => (
          <li key={d.id}>
            <button
              type="button"
              onClick={() => {
                setResult({ id: d.id, lines: d.run() });
                show(d);
              }}
            >
              {d.title}
            </button>{' '}
            <span>{d.explanation}</span>
            {result?.id === d.id && (
              <output data-testid={`demo.${d.id}.result`} className="demo-result">
                {result.lines.map((l) => (
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
  );
}
