import { useState } from 'react';
import { L4_DEFAULTS } from '../optim/stepsizes/l4.meta';
import { BenchmarkView } from './benchmark/BenchmarkView';
import { Charts } from './charts/Charts';
import { Controls } from './controls/Controls';
import { ExperimentBuilder } from './controls/ExperimentBuilder';
import { TuningPanel } from './controls/TuningPanel';
import { Notices } from './Notices';
import { ExportImport } from './runs/ExportImport';
import { HistoryPanel } from './runs/HistoryPanel';
import { RunTable } from './runs/RunTable';

/**
 * The lab page: charts first and large, with the controls above them and the run table below; the experiment
 * (builder, tuning, export and import) in a side panel that folds away. On a narrow screen everything stacks,
 * charts first.
 */
export function App() {
  const [panel, setPanel] = useState(true);
  return (
    <main data-testid="app" className={panel ? 'lab' : 'lab panel-closed'}>
      <header className="top">
        <h1>L4 Lab</h1>
        <p className="tagline">
          Loss-based stepsize adaptation (L4, Rolínek &amp; Martius 2018) against Adam, momentum SGD, SGD, RMSProp and the
          learning-rate-free optimizers, trained in your browser.{' '}
          <a href="teach.html">What does a Polyak-style step do? The teaching page →</a>
        </p>
        <p data-testid="app.defaults" className="defaults">
          L4 defaults: α = {L4_DEFAULTS.alpha}, γ = {L4_DEFAULTS.gamma}, τ = {L4_DEFAULTS.tau}, γ₀ = {L4_DEFAULTS.gamma0}, ε ={' '}
          {L4_DEFAULTS.epsilon}
        </p>
      </header>
      <Notices />
      <div className="work">
        <div className="board">
          <div className="toolbar">
            <Controls />
            <button
              type="button"
              className="panel-toggle"
              aria-expanded={panel}
              aria-controls="experiment-panel"
              onClick={() => setPanel(!panel)}
            >
              {panel ? 'Hide the experiment panel' : 'Show the experiment panel'}
            </button>
          </div>
          <BenchmarkView />
          <Charts />
          <RunTable />
        </div>
        <aside id="experiment-panel" className="side" aria-label="Experiment panel" hidden={!panel}>
          <ExperimentBuilder />
          <TuningPanel />
          <ExportImport />
          <HistoryPanel />
        </aside>
      </div>
    </main>
  );
}
