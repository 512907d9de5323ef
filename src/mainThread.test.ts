/**
 * The page's main thread loads no tfjs: it trains in workers. The lint allows the main thread's folders a named
 * list of modules from optim, tasks, engine and worker (MAIN_THREAD_MAY_LOAD in eslint.config.js); this walks the
 * import graph from the page's entries (the lab and the teaching page) through every module they load, those
 * listed modules' own imports included, and finds no tfjs package and no module outside the list.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN_THREAD_MAY_LOAD } from '../eslint.config.js';

const ROOT = join(__dirname, '..');

/** The modules a source file loads when it runs: value imports and re-exports, side-effect and dynamic imports. */
function loads(source: string): string[] {
  const out: string[] = [];
  const statement = /(?:^|\n)\s*(import|export)\s+([^;]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(statement)) {
    const clause = m[2]!.trim();
    if (clause.startsWith('type ')) continue;
    // import { type A, type B } from …: every name a type, erased.
    const names = /^\{([^}]*)\}$/s.exec(clause)?.[1];
    if (names !== undefined && names.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '))) continue;
    out.push(m[3]!);
  }
  for (const m of source.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

function resolve(from: string, spec: string): string | null {
  const base = join(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')])
    if (existsSync(c) && !c.endsWith('/')) if (/\.tsx?$/.test(c)) return c;
  return null;
}

function mainThreadGraph(entries: string[]): { modules: Set<string>; packages: Map<string, string> } {
  const modules = new Set<string>();
  const packages = new Map<string, string>();
  const todo = entries.map((e) => join(ROOT, e));
  while (todo.length) {
    const file = todo.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    for (const spec of loads(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        packages.set(spec, relative(ROOT, file));
        continue;
      }
      const target = resolve(file, spec);
      if (target) todo.push(target);
    }
  }
  return { modules, packages };
}

describe('the page’s main thread', () => {
  const { modules, packages } = mainThreadGraph(['src/main.tsx', 'src/ui/teaching/main.tsx']);
  const rel = [...modules].map((m) => relative(join(ROOT, 'src'), m).replace(/\.tsx?$/, ''));

  it('loads no tfjs package, through any module it loads', () => {
    expect(rel.length).toBeGreaterThan(50);
    expect([...packages.keys()].filter((p) => p.startsWith('@tensorflow/')).map((p) => `${p} (from ${packages.get(p)})`)).toEqual([]);
  });

  it('loads from optim, tasks, engine and worker only the modules the lint allows it', () => {
    const allowed = new RegExp(`^(${MAIN_THREAD_MAY_LOAD.join('|')})$`);
    const below = rel.filter((m) => /^(optim|tasks|engine|worker)\//.test(m));
    expect(below.length).toBeGreaterThan(10);
    expect(below.filter((m) => !allowed.test(m))).toEqual([]);
  });

  it('the walk sees through a value import (a check of the test itself)', () => {
    expect(
      loads("import { a, type B } from './x';\nimport type { C } from './y';\nimport { type D } from './z';\nexport * from './w';"),
    ).toEqual(['./x', './w']);
    expect(loads("import './side.css';\nconst m = await import('./lazy');")).toEqual(['./side.css', './lazy']);
  });
});
