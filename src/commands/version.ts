import { readFileSync } from 'node:fs';

/** The package version, read from package.json next to the sources (there is no build step). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}
