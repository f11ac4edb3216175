import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILED, imageFiles, ROOT } from '../helpers/image-files.ts';

// The sources the Dockerfile's build stage compiles into the dist/ the image runs, against the
// imports the production entry point really reaches: the build must hold every one of them.
// test/integration/compiled-build.test.ts builds and runs that layout.

const IMPORT = /\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g;

/** Every project file reachable from `entry` through relative imports (static, re-export, dynamic). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const full = path.join(ROOT, file);
    if (!existsSync(full)) return;
    for (const match of readFileSync(full, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (!specifier.startsWith('.')) continue;
      visit(path.relative(ROOT, path.resolve(path.dirname(full), specifier)).split(path.sep).join('/'));
    }
  };
  visit(entry);
  return seen;
}

describe('the production image', () => {
  const image = imageFiles();

  it('holds neither the emulators, nor the demo, nor tests and their fixtures', () => {
    const leaked = [...image].filter((file) => file.startsWith('src/emulators/') || file === 'src/demo.ts' || file.startsWith('test/'));
    expect(leaked).toEqual([]);
    expect(image.has('src/main.ts')).toBe(true);
    expect(image.has('streams/pipeline.ts')).toBe(true);
  });

  it('holds every file `recpipe` (bin/recpipe.js, running dist/src/cli.js) can load', () => {
    expect(readFileSync(path.join(ROOT, 'bin/recpipe.js'), 'utf8')).toContain("'../dist/src/cli.js'");
    const needed = reachable('src/cli.ts');
    expect(needed.has('src/commands/start.ts')).toBe(true);
    expect(needed.has('streams/pipeline.ts')).toBe(true);
    expect([...needed].filter((file) => !image.has(file))).toEqual([]);
  });

  it('the check catches an entry point that reaches the emulators', () => {
    const missing = [...reachable('src/demo.ts')].filter((file) => !image.has(file));
    expect(missing).toContain('src/demo.ts');
    expect(missing.some((file) => file.startsWith('src/emulators/'))).toBe(true);
  });

  it('the build stage installs the TypeScript compiler it builds with, and prunes what production does not run', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const build = dockerfile.slice(0, dockerfile.lastIndexOf('\nFROM '));
    // typescript's compiler is a native binary in an optional per-platform package
    const typescript = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/typescript/package.json'), 'utf8')) as { optionalDependencies?: object };
    const install = /^RUN npm ci\b.*$/m.exec(build)?.[0];
    expect(install).toBeDefined();
    if (typescript.optionalDependencies) expect(install).not.toMatch(/--omit=(optional|dev)/);
    expect(build).toMatch(/^RUN npm run build && npm prune --omit=dev --omit=optional\b/m);
  });

  it('the Dockerfile copies no test fixtures, and the image gets only the build, bin/ and package.json', () => {
    const lines = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').split('\n');
    const copies = lines.filter((line) => /^COPY\s/.test(line) && !line.includes('--from='));
    expect(copies.filter((line) => /\btest\b|emulators|demo/.test(line))).toEqual([]);
    const sources = copies.flatMap((line) => line.trim().split(/\s+/).slice(1, -1));
    expect(sources.filter((source) => !['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'bin', ...COMPILED].includes(source))).toEqual([]);
    // the final stage: no TypeScript source, only the compiled build and the entry point
    const final = lines.slice(lines.findLastIndex((line) => /^FROM\s/.test(line)));
    const finalCopies = final.filter((line) => /^COPY\s/.test(line)).map((line) => line.trim().split(/\s+/).slice(1).join(' '));
    expect(finalCopies).toEqual(['--from=build /app/node_modules ./node_modules', '--from=build /app/dist ./dist', 'package.json ./', 'bin ./bin']);
  });
});
