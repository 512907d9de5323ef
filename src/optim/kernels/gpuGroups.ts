/**
 * Splits tensors 0…count−1 into consecutive groups whose distinct inputs stay within a shader's limit (WebGL:
 * texture units, usually 16; WebGPU: 8 storage buffers, one of them the output). `inputsOf(i)` gives the
 * tensor's inputs by identity (their dataIds): an input shared within a group (v in gᵀv and ‖v‖²) counts once.
 */
export function groupByInputs(count: number, inputsOf: (i: number) => readonly object[], max: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let seen = new Set<object>();
  for (let i = 0; i < count; i++) {
    const fresh = new Set(inputsOf(i).filter((id) => !seen.has(id)));
    if (current.length > 0 && seen.size + fresh.size > max) {
      groups.push(current);
      current = [];
      seen = new Set();
      for (const id of inputsOf(i)) fresh.add(id);
    }
    current.push(i);
    for (const id of fresh) seen.add(id);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The pairs' tensors as one kernel's named inputs (x0, x1, …: pair by pair, a's list then b's). */
export function pairInputs<T>(pairs: readonly (readonly [readonly T[], readonly T[]])[]): Record<string, T> {
  const inputs: Record<string, T> = {};
  let n = 0;
  for (const [a, b] of pairs) for (const t of [...a, ...b]) inputs[`x${n++}`] = t;
  return inputs;
}

/** Inside the kernel: the tensor count per list, and tensor i of pair p's side (0: a, 1: b). */
export function pairsFromInputs<T>(inputs: object, pairs: number): { count: number; tensor(p: number, side: 0 | 1, i: number): T } {
  const list = Object.keys(inputs)
    .sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)))
    .map((k) => (inputs as Record<string, T>)[k]!);
  const count = list.length / (2 * pairs);
  return { count, tensor: (p, side, i) => list[(2 * p + side) * count + i]! };
}

/** Names a program's distinct inputs X0, X1, … in order of first use (a tensor used twice is read once). */
export function inputNamer<T extends { dataId: object }>(): { readonly inputs: T[]; nameOf(t: T): string } {
  const ids = new Map<object, number>();
  const inputs: T[] = [];
  return {
    inputs,
    nameOf(t) {
      let i = ids.get(t.dataId);
      if (i === undefined) {
        i = inputs.length;
        ids.set(t.dataId, i);
        inputs.push(t);
      }
      return `X${i}`;
    },
  };
}

/**
 * What a pair (a, b) of the inner-product kernels sums per element: 'dot' a·b; 'abs' |a| (an L1 norm; the pair is
 * passed as (a, a)); 'agree' 1 where a·b > 0, else 0 (how many values agree in sign: the cautious mask's count);
 * 'signAgree' 1 where sign(a)·b > 0 (the same count for the direction sign(a), read from a).
 */
export type SumKind = 'dot' | 'abs' | 'agree' | 'signAgree';

/** The attributes of the inner-product kernels: how many pairs of lists, each pair's scale and kind. */
export interface DotsAttrs {
  readonly pairs: number;
  readonly scales: readonly number[];
  readonly kinds: readonly SumKind[];
  /** WebGL, one pair: one sum per tensor (a vector) in place of one for the list. */
  readonly perTensor?: boolean;
}
