/**
 * The DNC's fused blocks as WebAssembly (the `*.as.ts` files beside this one, AssemblyScript compiled by `npm run
 * build:wasm` into blocks.bytes.ts). Why not JavaScript: the blocks are loops of a few multiply-adds over typed arrays
 * of a few thousand values, where V8 checks bounds, converts float32 loads and (once tfjs-backend-wasm's heap has grown
 * and detached its old buffer) checks for detachment on every access: as JavaScript they took ~17 ms of a ~31 ms
 * training step at train.py's sizes, as WebAssembly 6.6 ms (BENCHMARKS.md). The module has its own memory: a call
 * copies its float32 inputs in, runs, and returns float64 views of its outputs, valid until the next call.
 */
import type { HostCompute } from '../fused';
import { DNC_BLOCKS_WASM } from './blocks.bytes';

/** The module's exports: one function per block and direction (pointers, then scratch, then sizes and settings). */
type Block =
  | 'contentForward'
  | 'contentBackward'
  | 'lstmForward'
  | 'lstmBackward'
  | 'writeForward'
  | 'writeBackward'
  | 'memoryForward'
  | 'memoryBackward'
  | 'readForward'
  | 'readBackward';

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
}

type Instance = Exports & Record<Block, (...args: number[]) => void>;
let instance: Instance | null | undefined;

/**
 * The module, compiled and instantiated once; null where it cannot be (Chromium refuses to compile more than 4 KB
 * synchronously on a page's main thread: there the blocks run as ops, `fusedDncHere`).
 */
function module(): Instance | null {
  if (instance === undefined)
    try {
      const bytes = Uint8Array.from(atob(DNC_BLOCKS_WASM), (c) => c.charCodeAt(0));
      instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Instance;
    } catch {
      instance = null;
    }
  return instance;
}

/** Whether the blocks' module runs here. */
export function dncBlocksHere(): boolean {
  return module() !== null;
}

const align = (n: number) => (n + 15) & ~15;

/**
 * Runs `block` on `inputs` (float32 values): outputs of the given lengths (float64, zeroed before the call), `scratch`
 * float64 values of working space, then `args` (sizes and settings) as the export takes them.
 */
export function runBlock(block: Block, inputs: ArrayLike<number>[], outputs: number[], scratch: number, args: number[]): Float64Array[] {
  const m = module();
  if (!m) throw new Error('The DNC blocks need WebAssembly here; check dncBlocksHere() first.');
  let end = align(m.heapBase());
  const inAt = inputs.map((x) => {
    const at = end;
    end = align(end + 4 * x.length);
    return at;
  });
  const outAt = outputs.map((n) => {
    const at = end;
    end = align(end + 8 * n);
    return at;
  });
  const scratchAt = end;
  end += 8 * scratch;
  if (end > m.memory.buffer.byteLength) m.memory.grow(Math.ceil((end - m.memory.buffer.byteLength) / 65536));
  const buffer = m.memory.buffer;
  inputs.forEach((x, i) => new Float32Array(buffer, inAt[i], x.length).set(x));
  const outs = outputs.map((n, i) => new Float64Array(buffer, outAt[i], n).fill(0));
  m[block](...inAt, ...outAt, scratchAt, ...args);
  return outs;
}

/** What a block's call needs besides its inputs: its outputs' shapes, its scratch (float64 values), its arguments. */
interface Plan {
  outputs: number[][];
  scratch?: number;
  args: number[];
}

/** A host kernel (fused.ts) that runs `block` on the named inputs, in order, as `plan` lays the call out. */
export function wasmCompute(
  block: Block,
  inputs: readonly string[],
  plan: (shapes: Record<string, readonly number[]>, attrs: Record<string, number>) => Plan,
): HostCompute {
  return (values, shapes, attrs) => {
    const { outputs, scratch = 0, args } = plan(shapes, attrs);
    const sizes = outputs.map((s) => s.reduce((a, b) => a * b, 1));
    const out = runBlock(
      block,
      inputs.map((k) => values[k]!),
      sizes,
      scratch,
      args,
    );
    return outputs.map((shape, i) => ({ shape, values: out[i]! }));
  };
}
