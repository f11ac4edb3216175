import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// What the Dockerfile's build stage compiles: src/ and streams/ minus .dockerignore.
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const COMPILED = ['src', 'streams'];

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

/** The sources the production image is compiled from, relative to the project root. */
export function imageFiles(): Set<string> {
  const ignored = ignoredPatterns();
  return new Set(COMPILED.flatMap(filesIn).filter((file) => !ignored.some((pattern) => pattern.test(file))));
}
