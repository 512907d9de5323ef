/** What an exported chart says beside its plot (exportChart.ts draws it): the title, each run's settings, the task. */
import { shownDefaults } from '../../optim/catalogue';
import { useLab } from '../../state/lab';
import { useRuns } from '../../state/runs';
import { taskTitle } from '../../tasks/catalogue';
import type { ChartView } from './chartData';
import type { ChartSpec } from './chartSpecs';
import type { ExportMeta } from './exportChart';
import type { Drawn } from './SeriesLayer';

/** A run spec's settings as the run used them: its own values over the optimizer's shown defaults. */
function settingsText(optimizer: string, options: Readonly<Record<string, unknown>> = {}): string {
  return listed({ ...shownDefaults(optimizer), ...options });
}

/** "name value, name value". */
const listed = (o: Readonly<Record<string, unknown>>): string =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');

/** What an exported chart says about itself: its title, each series with its settings and seeds, the experiment. */
export function exportMeta(spec: ChartSpec, drawn: readonly Drawn[], view: ChartView): ExportMeta {
  const e = useLab.getState().experiment;
  const seedsOf = (id: string) => {
    const s = view.groups.get(id)?.seeds ?? [];
    return s.length ? `; seeds ${[...s].sort((a, b) => a - b).join(', ')}` : '';
  };
  const legend = drawn.map((d) => {
    const ids = spec.paired ? d.specId.split('-') : [d.specId];
    const parts = ids.map((id) => {
      const rs = view.specs.find((r) => r.id === id);
      return rs ? `${id}: ${settingsText(rs.optimizer, rs.options)}${rs.changes ? `; live: ${rs.changes}` : ''}` : id;
    });
    return { color: d.color, text: `${d.name} — ${parts.join(' | ')}${seedsOf(ids[0]!)}` };
  });
  // The task as the runs on screen ran it (the builder may hold another by now), else as the builder reads.
  const runs = useRuns.getState();
  const ran = runs.order.map((id) => runs.runs[id]!).find((r) => !r.branch)?.config;
  const [task, taskSettings, steps] = ran ? [ran.task, ran.taskSettings, ran.steps] : [e.task, e.taskSettings, e.steps];
  const settings = listed(taskSettings);
  return { title: spec.title, legend, footer: `${taskTitle(task)}${settings ? ` (${settings})` : ''}; ${steps} steps per run; L4 Lab` };
}
