import { L4_DEFAULTS } from '../optim/defaults';
import { RunLauncher } from './runs/RunLauncher';
import { RunTable } from './runs/RunTable';

/** The lab's shell: single runs in workers for now; the experiment builder and charts come with the lab-page issue. */
export function App() {
  return (
    <main data-testid="app">
      <h1>L4 Lab</h1>
      <p>
        A laboratory for loss-based stepsize adaptation: L4 (Rolínek &amp; Martius, 2018) against Adam, momentum
        SGD, SGD and RMSProp.
      </p>
      <p data-testid="app.defaults">
        L4 defaults: α = {L4_DEFAULTS.alpha}, γ = {L4_DEFAULTS.gamma}, τ = {L4_DEFAULTS.tau}, γ₀ ={' '}
        {L4_DEFAULTS.gamma0}, ε = {L4_DEFAULTS.epsilon}
      </p>
      <RunLauncher />
      <RunTable />
    </main>
  );
}
