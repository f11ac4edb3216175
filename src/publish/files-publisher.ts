import path from 'node:path';
import { atomicWrite } from '../files/atomic-write.ts';
import { PermanentError, TransientError } from '../errors.ts';
import type { TranscriptDocument } from '../recording.ts';
import type { Publisher } from './publisher.ts';
import { transcriptMarkdown } from './transcript-markdown.ts';

/** Writes `transcripts/<id>.json` and `transcripts/<id>.md`, each atomically (temp + rename). */
export class FilesPublisher implements Publisher {
  readonly name = 'files';

  constructor(private readonly transcriptsDir: string) {}

  async publish(doc: TranscriptDocument): Promise<string> {
    const base = path.join(this.transcriptsDir, doc.id);
    try {
      await atomicWrite(`${base}.json`, `${JSON.stringify(doc, null, 2)}\n`);
      await atomicWrite(`${base}.md`, transcriptMarkdown(doc));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // a full disk may free up (an operator cleans up); a permission problem will not
      const Kind = code === 'ENOSPC' || code === 'EMFILE' || code === 'EBUSY' ? TransientError : PermanentError;
      throw new Kind(`cannot write the transcript to ${this.transcriptsDir}: ${(error as Error).message}`, { system: 'fs', cause: error });
    }
    return `${base}.json`;
  }

  async check(): Promise<string> {
    return this.transcriptsDir;
  }
}
