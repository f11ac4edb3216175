import type { FoundFile } from '../../src/recording.ts';

/** A file a source found, as the streams and the ledger see it; `extra` overrides any field. */
export function foundFile(name: string, extra: Partial<FoundFile> = {}): FoundFile {
  return {
    source: 'inbox',
    // the same for every source, so the same name from two sources is the same path
    path: `/in/${name}`,
    relativePath: name,
    fileName: name.split('/').pop() ?? name,
    size: 100,
    mtimeMs: 1_700_000_000_000,
    ...extra,
  };
}
