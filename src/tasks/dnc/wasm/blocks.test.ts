import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { describe, expect, it } from 'vitest';
import { DNC_BLOCKS_WASM } from './blocks.bytes';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The `*.as.ts` sources compiled by AssemblyScript, as base64: what blocks.bytes.ts must hold. */
async function compileBlocks(): Promise<string> {
  const files = readdirSync(here('.')).filter((f) => f.endsWith('.as.ts'));
  const sources = Object.fromEntries(files.map((f) => [f, readFileSync(here(`./${f}`), 'utf8')]));
  const result = await asc.compileString(sources, { optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', noAssert: true });
  if (result.error || !result.binary) throw new Error(`AssemblyScript: ${result.stderr.toString()}`);
  return Buffer.from(result.binary).toString('base64');
}

describe("the DNC blocks' WebAssembly module", () => {
  it('is the *.as.ts sources as AssemblyScript compiles them (`npm run build:wasm` writes it again)', async () => {
    const compiled = await compileBlocks();
    if (process.env.UPDATE_WASM) {
      writeFileSync(
        here('./blocks.bytes.ts'),
        `// Written by \`npm run build:wasm\` from the *.as.ts files (AssemblyScript); do not edit.\nexport const DNC_BLOCKS_WASM =\n  '${compiled}';\n`,
      );
      return;
    }
    expect(DNC_BLOCKS_WASM).toBe(compiled);
  }, 60_000);
});
