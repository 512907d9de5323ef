/**
 * The optimizer modules on disk, for Node (the CLI, the soak and the benches run under tsx, which has no Vite and
 * so no `import.meta.glob`): every `.ts` file of directions/, stepsizes/ and peers/ but the specs (`*.meta.ts`),
 * the tests and the barrels (`index.ts`) — the files recipes.ts's glob names under Vite (a test holds the two
 * lists equal). `makeOptimizer` finds the makers among their exports, so an optimizer needs no barrel line.
 */
import { readdirSync } from 'node:fs';

export const OPTIMIZER_FOLDERS = ['directions', 'stepsizes', 'peers'] as const;

/** Whether a file of an optimizer folder is an optimizer module (not a spec, a test or a barrel). */
export const isOptimizerModule = (file: string): boolean => file.endsWith('.ts') && !/\.(meta|test)\.ts$/.test(file) && file !== 'index.ts';

/** The modules' paths relative to src/optim, as `./peers/prodigy.ts`, in file-name order. */
export const optimizerModuleFiles = (): string[] =>
  OPTIMIZER_FOLDERS.flatMap((dir) =>
    readdirSync(new URL(`./${dir}/`, import.meta.url))
      .filter(isOptimizerModule)
      .sort()
      .map((file) => `./${dir}/${file}`),
  );

/** Imports every optimizer module, by path (each once: Node caches a module by its URL, as static imports reach it). */
export async function importOptimizerModules(): Promise<Record<string, object>> {
  const files = optimizerModuleFiles();
  const modules = await Promise.all(files.map((file) => import(new URL(file, import.meta.url).href) as Promise<object>));
  return Object.fromEntries(files.map((file, i) => [file, modules[i]!]));
}
