/**
 * A folder's modules on disk, for Node: the CLI, the soak and the benches run under tsx, which has no Vite and so no
 * `import.meta.glob`. The registries that find their entries beside their specs (the optimizers' makers, the tasks'
 * builders) list their folders with a glob under Vite and with this under Node; their tests hold the two lists equal.
 * Loaded only by `importFolders` (modules.ts), through a path Vite does not follow, so no bundle holds it.
 */
import { readdirSync } from 'node:fs';

/** Whether a file of a registry's folder is one of its modules: TypeScript, not a spec, a test or a barrel. */
export const isRegistryModule = (file: string): boolean =>
  file.endsWith('.ts') && !/\.(meta|test|d)\.ts$/.test(file) && file !== 'index.ts';

/** The modules of `folders` (relative to the module at `base`), as `./peers/prodigy.ts` or `./regression.ts`. */
export const moduleFiles = (base: string, folders: readonly string[]): string[] =>
  folders.flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, base))
      .filter(isRegistryModule)
      .sort()
      .map((file) => (dir === '.' ? `./${file}` : `./${dir}/${file}`)),
  );

/** Imports them, by path (each once: Node caches a module by its URL, as static imports reach it). */
export async function importFolders(base: string, folders: readonly string[]): Promise<Record<string, object>> {
  const files = moduleFiles(base, folders);
  const modules = await Promise.all(files.map((file) => import(new URL(file, base).href) as Promise<object>));
  return Object.fromEntries(files.map((file, i) => [file, modules[i]!]));
}
