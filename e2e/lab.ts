import { expect, type Page } from '@playwright/test';

/** The page object of the lab: actions by accessible names, state read through window.__lab. */
export interface Snapshot {
  experiment: {
    task: string;
    steps: number;
    seeds: number;
    runs: { id: string; optimizer: string; options: Record<string, number | string> }[];
  };
  notices: string[];
  runs: {
    id: string;
    spec: string;
    seed: number;
    optimizer: string;
    status: string;
    backend: string | null;
    fallbackReason: string | null;
    adapter: string | null;
    step: number;
    /** The last value of the loss and of each diagnostic, by column name. */
    last: Record<string, number>;
    bestLoss: number | null;
    testAccuracy: number | null;
    divergedAt: number | null;
    hyper: Record<string, number>;
    traceLength: number;
    firstStep: number | null;
    branch: { from: string; step: number } | null;
  }[];
}

export class Lab {
  readonly errors: string[] = [];
  constructor(readonly page: Page) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
    });
    page.on('pageerror', (e) => this.errors.push(e.message));
  }
  /**
   * Opens the lab. Without a link, on the "2-D functions" preset (runs over in a second, which most tests want);
   * `{ preset: null }` keeps what the lab opens with (the MNIST comparison).
   */
  async open(hash = '', { preset = '2-D functions' as string | null } = {}) {
    await this.page.goto(`/${hash}`);
    await expect(this.page.getByRole('heading', { name: 'L4 Lab' })).toBeVisible();
    if (hash === '' && preset !== null) await this.button(preset).click();
  }
  snapshot(): Promise<Snapshot> {
    return this.page.evaluate(() => (window as unknown as { __lab: { snapshot(): Snapshot } }).__lab.snapshot());
  }
  async run(id: string) {
    return (await this.snapshot()).runs.find((r) => r.id === id);
  }
  async setSteps(n: number) {
    await this.page.getByLabel('steps', { exact: true }).fill(String(n));
  }
  param(run: string, label: string) {
    return this.page.getByLabel(`${label} of run ${run}`, { exact: true });
  }
  button(name: string) {
    return this.page.getByRole('button', { name, exact: true });
  }
  /** Start (with `steps` per run, when given) and wait until these runs are done: the default experiment's first seeds. */
  async startAndFinish(steps?: number, ids: readonly string[] = ['a.1', 'b.1']) {
    if (steps !== undefined) await this.setSteps(steps);
    await this.button('Start').click();
    for (const id of ids) await this.waitStatus(id, 'done');
  }
  async waitStatus(id: string, status: string, timeout = 60_000) {
    await expect.poll(async () => (await this.run(id))?.status, { timeout }).toBe(status);
  }
  /** Console errors, less the known harmless WebGPU warnings. */
  realErrors() {
    return this.errors.filter((e) => !/performance is poor|powerPreference/i.test(e));
  }
}
