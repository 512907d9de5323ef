import { useLab, type Schedule } from '../../state/lab';
import { useRuns } from '../../state/runs';

/** Start, pause, resume, single step, stop and reset, for every run of the experiment at once. */
export function Controls() {
  const statuses = useRuns((s) => s.order.map((id) => s.runs[id]!.status).join(','));
  const lab = useLab.getState();
  const list = statuses ? statuses.split(',') : [];
  const live = list.some((s) => s === 'running' || s === 'starting' || s === 'paused' || s === 'queued');
  const running = list.some((s) => s === 'running' || s === 'starting' || s === 'queued');
  const paused = list.some((s) => s === 'paused');
  const schedule = useLab((s) => s.schedule);
  return (
    <p className="controls row" data-testid="controls">
      <button type="button" className="primary" onClick={() => lab.start()}>
        Start
      </button>{' '}
      <button type="button" onClick={() => lab.commandAll('pause')} disabled={!running}>
        Pause
      </button>{' '}
      <button type="button" onClick={() => lab.commandAll('resume')} disabled={!paused}>
        Resume
      </button>{' '}
      <button
        type="button"
        onClick={() => (live ? lab.commandAll({ step: 1 }) : lab.start({ paused: true }))}
        disabled={running && !paused}
      >
        Step
      </button>{' '}
      <button type="button" onClick={() => lab.commandAll('stop')} disabled={!live}>
        Stop
      </button>{' '}
      <button type="button" onClick={() => lab.reset()} disabled={list.length === 0}>
        Reset
      </button>{' '}
      <label title="When runs outnumber the cores: start the first seed of every compared optimizer at once on shares of the CPU (later seeds one per core), or one run per core from the start (fastest overall). Applies from the next Start.">
        runs{' '}
        <select aria-label="scheduling" value={schedule} onChange={(e) => lab.setSchedule(e.target.value as Schedule)}>
          <option value="together">every optimizer from the start (time-shared)</option>
          <option value="throughput">finish one at a time (fastest overall)</option>
        </select>
      </label>
    </p>
  );
}
