import { WorkerPool } from '../worker/pool';

/**
 * The teaching page's worker pool: its 2-D explainer steps several optimizers together, each in its own worker on
 * the lab's engine, so the pool is as wide as the explainer's line-up (they share the CPU).
 */
export const teachPool = (width: number): WorkerPool => new WorkerPool(() => width);
