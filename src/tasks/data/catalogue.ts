/**
 * The dataset catalogue: every dataset's spec (`<parser>.meta.ts`), free of tfjs. Vite's config loads it too (the dev
 * and preview servers' copies, datasets/vitePlugin.ts), so it and the specs name their imports with `.ts`, as Vite's
 * native config loader wants.
 */
import { cifar10Dataset } from './cifar.meta.ts';
import { fashionMnistDataset, mnistDataset } from './mnist.meta.ts';
import type { DatasetSpec } from './spec';

export type { DatasetSpec } from './spec';

const DATASETS = [mnistDataset, fashionMnistDataset, cifar10Dataset] as const;

export type DatasetName = (typeof DATASETS)[number]['id'];
/** The format a dataset's files are in (which parser reads them). */
export type DatasetFormat<K extends DatasetName> = Extract<(typeof DATASETS)[number], { id: K }>['format'];

export const datasetSpecs = (): readonly DatasetSpec[] => DATASETS;
export const datasetSpec = (id: string): DatasetSpec | undefined => DATASETS.find((d) => d.id === id);
/** The datasets a user may drop into the page. */
export const droppableDatasets = (): readonly DatasetSpec[] => DATASETS.filter((d) => d.droppable);
