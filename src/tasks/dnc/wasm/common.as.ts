// AssemblyScript (compiled to WebAssembly by `npm run build:wasm`; see ../blocksModule.ts): what every block shares.
// Arrays are byte addresses in the module's own memory: the inputs float32 (as tfjs holds them), the outputs and the
// scratch float64 (as the blocks compute). Indices count values.

/** The value at index i of a float32 array, as float64. */
export function f32at(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + ((<usize>i) << 2));
}

/** The value at index i of a float32 array, as float32 (for the values computed in float32, op by op). */
export function f32of(p: usize, i: i32): f32 {
  return load<f32>(p + ((<usize>i) << 2));
}

/** The value at index i of a float64 array. */
export function at(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}

/** Sets index i of a float64 array. */
export function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}

/** Adds v to index i of a float64 array. */
export function addTo(p: usize, i: i32, v: f64): void {
  const q = p + ((<usize>i) << 3);
  store<f64>(q, load<f64>(q) + v);
}

let top: usize = 0;

/** Starts a kernel's scratch at p (the caller sized it). */
export function scratchAt(p: usize): void {
  top = p;
}

/** n float64 values of scratch, zeroed. */
export function f64s(n: i32): usize {
  const p = top;
  top += (<usize>n) << 3;
  memory.fill(p, 0, (<usize>n) << 3);
  return p;
}

/** Where the module's own data ends: the caller lays its arrays out from here. */
export function heapBase(): usize {
  return __heap_base;
}
