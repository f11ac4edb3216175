import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What the Dockerfile copies (bin/, src/, streams/) minus .dockerignore, against the imports
// the production entry point really reaches: the image must hold every one of them.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COPIED = ['bin', 'src', 'streams'];

function ignoredPatterns(): RegExp[] {
  return readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`));
}

function filesIn(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** The files the production image holds, relative to the project root. */
function imageFiles(): Set<string> {
  const ignored = ignoredPatterns();
  return new Set(COPIED.flatMap(filesIn).filter((file) => !ignored.some((pattern) => pattern.test(file))));
}

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

  it('holds every file `recpipe` (bin/recpipe.js) can load', () => {
    const needed = reachable('bin/recpipe.js');
    expect(needed.has('src/cli.ts')).toBe(true);
    expect(needed.has('streams/pipeline.ts')).toBe(true);
    expect([...needed].filter((file) => !image.has(file))).toEqual([]);
  });

  it('the check catches an entry point that reaches the emulators', () => {
    const missing = [...reachable('src/demo.ts')].filter((file) => !image.has(file));
    expect(missing).toContain('src/demo.ts');
    expect(missing.some((file) => file.startsWith('src/emulators/'))).toBe(true);
  });

  it('the Dockerfile copies no test fixtures', () => {
    const copies = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
      .split('\n')
      .filter((line) => /^COPY\s/.test(line) && !line.includes('--from='));
    expect(copies.filter((line) => /\btest\b|emulators|demo/.test(line))).toEqual([]);
    expect(copies.map((line) => line.split(/\s+/)[1]).filter((source) => source && !['package.json', ...COPIED].includes(source))).toEqual([]);
  });
});
