import { existsSync, readFileSync } from 'node:fs';

// package.json is two folders up from the sources (src/commands/) and three from the compiled
// build (dist/src/commands/)
const MANIFESTS = ['../../package.json', '../../../package.json'].map((relative) => new URL(relative, import.meta.url));

/** The package version, read from the package.json of this installation. */
export function packageVersion(): string {
  const file = MANIFESTS.find((url) => existsSync(url));
  if (!file) return 'unknown';
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}
