import { expect, test } from '@playwright/test';
import { Lab } from './lab';

/**
 * L4's epilogue runs as one kernel (a shader on WebGL and WebGPU, JavaScript on WASM), and on WebGL a step's
 * inner products as two shader programs: the same trajectory as on WASM.
 */
for (const gpu of ['webgl', 'webgpu'] as const)
  test(`L4 on ${gpu} (fused kernels) follows the same trajectory as on WASM${gpu === 'webgpu' ? ' @webgpu' : ''}`, async ({ page }) => {
    test.setTimeout(180_000);
    const lab = new Lab(page);
    const last: Record<string, { loss: number; eta: number }> = {};
    for (const backend of [gpu, 'wasm']) {
      await lab.open();
      await page.getByLabel('task', { exact: true }).selectOption('regression');
      await page.getByLabel('condition number of task').fill('100000');
      await page.getByRole('button', { name: 'Remove run b' }).click();
      await lab.setSteps(100);
      await page.getByLabel('backend', { exact: true }).selectOption(backend);
      await lab.button('Start').click();
      await lab.waitStatus('a.1', 'done', 90_000);
      const r = (await lab.run('a.1'))!;
      expect(r.backend).toBe(backend);
      last[backend] = { loss: r.last.loss!, eta: r.last.effectiveLr! };
      await lab.button('Reset').click();
    }
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(rel(last[gpu]!.loss, last.wasm!.loss)).toBeLessThan(1e-4);
    expect(rel(last[gpu]!.eta, last.wasm!.eta)).toBeLessThan(1e-4);
    expect(lab.realErrors()).toEqual([]);
  });

/**
 * The GPU inner products (gᵀv and ‖v‖² over all tensors in a few dispatches; on WebGL reading packed textures)
 * against float64 sums: odd and even edges, ranks 0–4, many blocks, and padding that holds ones
 * (e2e/fixtures/dotsCheck.ts).
 */
for (const target of ['webgl2', 'webgl1', 'webgpu'] as const)
  test(`${target} inner-product kernel matches float64 sums on every layout, the step's scale-or-zero is exact, the element-wise programs match the op path${target === 'webgpu' ? ' @webgpu' : ''}`, async ({
    page,
  }) => {
    // A correctness check, not a timing: ~55 s on this project's 2-core machine with SwiftShader, room for a slower one.
    test.setTimeout(240_000);
    await page.goto(`/bench.html?dots=${target}`);
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, undefined, { timeout: 220_000 });
    const r = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
      ok: boolean;
      scaleOrZero: boolean;
      elementwise: { worst: number; programs: string[] };
      error?: string;
      backend: string;
      webglVersion: number;
      cases: { shapes: string; rel: number[] }[];
      leaked: number;
    };
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe(target === 'webgpu' ? 'webgpu' : 'webgl');
    expect(r.webglVersion).toBe({ webgl2: 2, webgl1: 1, webgpu: 0 }[target]);
    // A skipped step writes exact zeros even where the direction is not finite; a taken one is s·x exactly.
    expect(r.scaleOrZero).toBe(true);
    // The moving averages and Adam's ratio run as one program each (a GPU may fuse x·a + y·b into one rounding).
    // Their WebGL shader's zeroed padding is held by the golden replays below (a product reads it).
    // The cautious mask's count runs in the inner-product kernels; Lion's (of sign(v)) takes the sign in its program.
    const dots = target === 'webgpu' ? 'L4LabWebGPUDots' : 'L4LabDotPartials';
    expect(r.elementwise.programs).toEqual(
      [
        'L4LabAxpbyGpu',
        'L4LabCautiousGpu',
        'L4LabCautiousRatioGpu',
        'L4LabCautiousSignGpu',
        'L4LabRatioGpu',
        'L4LabRatioStepGpu',
        'L4LabSignGpu',
        dots,
      ].sort(),
    );
    expect(r.elementwise.worst).toBeLessThan(1e-6);
    expect(r.ok).toBe(true);
    expect(r.cases).toHaveLength(5);
    for (const c of r.cases) {
      expect(c.rel).toHaveLength(3);
      for (const e of c.rel) expect(e, c.shapes).toBeLessThan(2e-6);
    }
    expect(r.leaked).toBe(0);
  });

/**
 * Scalar formulas written once (src/optim/kernels/scalarFormula.ts) as shaders: every operation over 0, negatives,
 * NaN and ±Inf against float32 numbers; Prodigy's and D-Adapt's tails (formulas) and ‖s‖₁ (the inner-product
 * kernel's L1 mode) through 24 steps, NaN and ±Inf gradients included, against cpu (e2e/fixtures/formulaCheck.ts);
 * runs with bad batches equal to the runs without them.
 */
for (const target of ['webgl2', 'webgl1', 'webgpu'] as const)
  test(`${target} scalar formulas match float32, and Prodigy and D-Adapt follow cpu${target === 'webgpu' ? ' @webgpu' : ''}`, async ({
    page,
  }) => {
    await page.goto(`/bench.html?formulas=${target}`);
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, undefined, { timeout: 60_000 });
    const r = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
      ok: boolean;
      error?: string;
      backend: string;
      mismatches: string[];
      formulaCases: number;
      trajectories: Record<string, number>;
      l1Rel: number;
      skip: Record<string, { kept: boolean; flags: number[]; skipped: number[]; eta: number[] }>;
      runs: Record<string, { count: number; skipped: number[]; same: boolean }>;
      classes: Record<string, { count: number; same: boolean; late: number }>;
      leaked: number;
    };
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe(target === 'webgpu' ? 'webgpu' : 'webgl');
    expect(r.mismatches).toEqual([]);
    // A NaN gradient, an infinite one, then a NaN loss: skipped on the device, the parameters kept bit for bit,
    // flagged and counted (Prodigy's first step is flagged by its own guard: no direction yet).
    const skipped = { kept: true, skipped: [0, 0, 1, 2, 3, 3], eta: [0, 0, 0] };
    expect(r.skip.adam).toEqual({ ...skipped, flags: [0, 0, 8, 8, 1, 0] });
    expect({ ...r.skip.prodigy, flags: r.skip.prodigy!.flags.slice(1) }).toEqual({ ...skipped, flags: [0, 8, 8, 1, 0] });
    // A run with a NaN batch and an infinite gradient equals, bit for bit, the run without those two batches, the
    // step count included: the runner trains the slice again with the device's verdicts (engine/runner.ts).
    for (const id of ['adam', 'l4adam', 'sf-adamw'])
      expect(r.runs[id], id).toEqual({ count: 11, skipped: [0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2], same: true });
    // The classes read each verdict back (WebGL at once; WebGPU asynchronously, in time where each step's verdict is
    // awaited) and take a skipped step again as a known skip (optim/adapter.ts); so does `applyStepExactly`. On WebGPU a loop that never waits
    // hears the three verdicts too late: the count ran ahead, and they are counted.
    for (const id of ['adam', 'l4adam']) {
      expect(r.classes[`${id} awaited`], id).toEqual({ count: 3, same: true, late: 0 });
      expect(r.classes[`${id} functional`], id).toEqual({ count: 3, same: true, late: 0 });
      expect(r.classes[`${id} tight`], id).toEqual(
        target === 'webgpu' ? { count: 6, same: false, late: 3 } : { count: 3, same: true, late: 0 },
      );
    }
    expect(r.formulaCases).toBe(64);
    expect(Object.keys(r.trajectories)).toEqual(['prodigy', 'dadapt-adam']);
    for (const worst of Object.values(r.trajectories)) expect(worst).toBeLessThan(1e-3);
    expect(r.l1Rel).toBeLessThan(2e-6);
    expect(r.leaked).toBe(0);
  });

/**
 * The official code's golden runs of MoMo, MoMo-Adam, Muon, ScheduleFree+, AdEMAMix and Lion through the public
 * classes on WebGL and WebGPU (e2e/fixtures/goldenNextCheck.ts), within ten times each file's tolerance: a GPU may
 * contract multiply-adds and its square roots and powers need not be correctly rounded, and the files' tolerances
 * are ten times what float32 on a CPU deviates. Measured (SwiftShader, factor 1): every file within 0.15 of its
 * tolerance on WebGPU and 0.17 on WebGL. MoMo's four MLP runs left their tolerance on WebGL at step 2 (loss 1.5e-4
 * to 3e-4 off, η up to 5e-3) while MoMo averaged its gradient with tfjs's packed multiply and add, and replay through
 * the one-program `axpby`, which zeroes a packed texel's lanes past the tensor's edge; AdEMAMix's, MoMo-Adam's and
 * ScheduleFree+'s drifted the same way while that shader did not zero them (a packed matrix product reads them).
 */
for (const target of ['webgl', 'webgpu'] as const)
  test(`${target}: the official code's golden runs of the six successors replay through the classes${target === 'webgpu' ? ' @webgpu' : ''}`, async ({
    page,
  }) => {
    // 4.5 min on WebGPU (SwiftShader) on this project's 2-core machine: room for a slower one.
    test.setTimeout(600_000);
    await page.goto(`/bench.html?goldenNext=${target}&factor=10`);
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, undefined, { timeout: 580_000 });
    const r = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
      ok: boolean;
      error?: string;
      backend: string;
      results: { file: string; worstInTolerances: number; failures: string[]; leaked: number }[];
    };
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe(target);
    expect(r.results).toHaveLength(34);
    for (const f of r.results) {
      expect(f.leaked, f.file).toBe(0);
      expect(f.failures, f.file).toEqual([]);
    }
    const worst = r.results.reduce((a, f) => (f.worstInTolerances > a.worstInTolerances ? f : a));
    console.log(`${target}: the closest file, ${worst.file}, at ${worst.worstInTolerances.toFixed(3)} of its widened tolerance`);
  });
