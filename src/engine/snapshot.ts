import * as tf from '@tensorflow/tfjs';

/** A tensor as plain data: shape, dtype and values (transferable, storable in IndexedDB). */
export interface TensorData {
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/**
 * A run's checkpoint as plain data: the parameters and the optimizer state after `step` steps, so a run can
 * be resumed in another worker, after a reload.
 */
export interface SerializedCheckpoint {
  readonly step: number;
  readonly params: TensorData[];
  /** The optimizer state with every tensor replaced by `{ $tensor: TensorData }`. */
  readonly state: unknown;
  /**
   * Where the optimizer evaluates, when that is not the parameters (Schedule-Free's x, beside y in `params` and z in
   * `state`; DoG's average): the weights to deploy. A resume does not need it (the state determines it).
   */
  readonly evalParams?: { readonly at: string; readonly params: TensorData[] };
}

/** Reads every tensor inside a value back (one `await data()` each) and returns the value as plain data. */
export async function serialize(value: unknown): Promise<unknown> {
  if (value instanceof tf.Tensor) return { $tensor: await tensorData(value) };
  if (Array.isArray(value)) return Promise.all(value.map(serialize));
  if (value !== null && typeof value === 'object') {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await serialize(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * A tensor's values as a copy of its own: the cpu backend's `data()` hands out its storage itself, which a
 * transfer to another thread (`checkpointBuffers`) would detach under the running model.
 */
export async function tensorData(t: tf.Tensor): Promise<TensorData> {
  return { shape: [...t.shape], dtype: t.dtype as TensorData['dtype'], data: ((await t.data()) as TensorData['data']).slice() };
}

/** Rebuilds tensors from `serialize`'s output (kept, so a caller's tidy does not free them). */
export function deserialize(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$tensor' in value) {
    const d = (value as { $tensor: TensorData }).$tensor;
    return tf.keep(tf.tensor(d.data, d.shape, d.dtype));
  }
  if (Array.isArray(value)) return value.map(deserialize);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deserialize(v)]));
  return value;
}

/** The ArrayBuffers of a checkpoint, for `postMessage(msg, transfer)`. */
export function checkpointBuffers(cp: SerializedCheckpoint): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const walk = (v: unknown) => {
    if (v !== null && typeof v === 'object') {
      if ('$tensor' in v) out.push((v as { $tensor: TensorData }).$tensor.data.buffer as ArrayBuffer);
      else Object.values(v).forEach(walk);
    }
  };
  cp.params.forEach((p) => out.push(p.data.buffer as ArrayBuffer));
  cp.evalParams?.params.forEach((p) => out.push(p.data.buffer as ArrayBuffer));
  walk(cp.state);
  return [...new Set(out)];
}
