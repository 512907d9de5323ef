import { L4_DEFAULTS } from '../optim/defaults';
import { Charts } from './charts/Charts';
import { Controls } from './controls/Controls';
import { ExperimentBuilder } from './controls/ExperimentBuilder';
import { TuningPanel } from './controls/TuningPanel';
import { Notices } from './Notices';
import { ExportImport } from './runs/ExportImport';
import { RunTable } from './runs/RunTable';

/** The lab page: build a comparison, run it in workers, watch it live, export it. */
export function App() {
  return (
    <main data-testid="app">
      <header>
        <h1>L4 Lab</h1>
        <p>
          Loss-based stepsize adaptation (L4, Rolínek &amp; Martius 2018) against Adam, momentum SGD, SGD and RMSProp, trained in your
          browser.
        </p>
        <p>
          <a href="teach.html">What does a Polyak-style step do? The teaching page →</a>
        </p>
        <p data-testid="app.defaults" className="defaults">
          L4 defaults: α = {L4_DEFAULTS.alpha}, γ = {L4_DEFAULTS.gamma}, τ = {L4_DEFAULTS.tau}, γ₀ = {L4_DEFAULTS.gamma0}, ε ={' '}
          {L4_DEFAULTS.epsilon}
        </p>
      </header>
      <Notices />
      <ExperimentBuilder />
      <TuningPanel />
      <Controls />
      <Charts />
      <RunTable />
      <ExportImport />
    </main>
  );
}
