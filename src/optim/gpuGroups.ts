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
