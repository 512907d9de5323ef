/**
 * Finding a registry's entries beside their specs (the optimizers' makers, the tasks' builders) among the modules of
 * its folders. Where Vite built the code (the page's workers, the dev server, the unit tests) the registry lists them
 * with `import.meta.glob`, which must be written where it is used; under Node (tsx) it calls `importFolders`.
 */

/** Whether Vite built this code (it defines `import.meta.env`; tsx does not). */
export const BUILT_BY_VITE = Boolean((import.meta as { env?: unknown }).env);

/** Where Node's listing lives (a path in a variable, which Vite does not follow into its bundles). */
const NODE_LISTING = './modules.node.ts';

/** Node: the modules of `folders`, relative to the module at `base` (its `import.meta.url`), by path. */
export async function importFolders(base: string, folders: readonly string[]): Promise<Record<string, object>> {
  const node = (await import(/* @vite-ignore */ NODE_LISTING)) as typeof import('./modules.node');
  return node.importFolders(base, folders);
}

/** An export that carries its spec, as a maker or a builder does (`maker.meta = spec`). */
type WithMeta = { readonly name: string; readonly meta: { readonly id: string } };

/**
 * The exports of `modules` that `is` accepts, by their spec's id (a module re-exporting one is no second one); two
 * different ones of one id throw a sentence naming both (`Two makers build the optimizer "adam": a and b.`).
 */
export function byMetaId<T extends WithMeta>(
  modules: Readonly<Record<string, object>>,
  is: (x: unknown) => x is T,
  what: string,
  of: string,
): Map<string, T> {
  const found = new Map<string, T>();
  for (const x of Object.values(modules)
    .flatMap((m) => Object.values(m) as unknown[])
    .filter(is)) {
    const other = found.get(x.meta.id);
    if (other && other !== x) throw new Error(`Two ${what} build the ${of} "${x.meta.id}": ${other.name} and ${x.name}.`);
    found.set(x.meta.id, x);
  }
  return found;
}
