import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What the renderer's first screen loads: the modules reachable from main.tsx by static value imports
 * (type-only imports vanish from the build, dynamic `import()` is a chunk loaded later). The schema
 * library, the editor and the charts each cost the launch a few hundred milliseconds when they were
 * in this set; they belong to the chunks loaded when they are needed.
 */
const ROOT = resolve(__dirname, '../..');
const ENTRY = join(ROOT, 'src-renderer/src/main.tsx');

// `import x from '…'`, `import { a, type B } from '…'`, `export { a } from '…'`, `import '…'`, across lines;
// not `import type …` / `export type …`, and not `import('…')`.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^;'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function resolveLocal(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate) && !candidate.endsWith('/') && /\.(tsx?|css)$/.test(candidate)) return candidate;
  }
  return undefined;
}

function firstScreen(): { files: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [ENTRY];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.css')) continue;
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (!spec) continue;
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec);
        if (!target) throw new Error(`${relative(ROOT, file)}: cannot resolve '${spec}'`);
        queue.push(target);
      } else {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
      }
    }
  }
  return { files: [...seen].map((f) => relative(ROOT, f)), packages };
}

describe('the renderer\'s first screen', () => {
  it('loads React and the app, and neither the schema library, the editor nor the charts', () => {
    const { files, packages } = firstScreen();
    expect(files).toContain('src-renderer/src/pages/drills-page.tsx');
    expect(files).toContain('src-renderer/src/api-client.ts');
    expect(packages).toContain('react');
    for (const late of ['zod', '@codemirror', '@lezer', 'recharts', 'yaml']) expect([...packages], late).not.toContain(late);
    // The shared contract's schemas are reached only as types: no zod-built module is on the first screen.
    expect(files.filter((f) => f.startsWith('src-shared/'))).toEqual(expect.not.arrayContaining(['src-shared/api.ts', 'src-shared/api-types.ts']));
  });
});
