import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// eslint.config.js, run through ESLint's API on code that is never written to disk
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: ROOT });

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  const messages = result?.messages ?? [];
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(`parse error in the fixture: ${fatal.message}`);
  return messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

describe('import boundaries (eslint.config.js)', () => {
  it.each([
    ['rxjs', "import { of } from 'rxjs';\nexport const one = of(1);"],
    ['an rxjs subpath', "import { map } from 'rxjs/operators';\nexport { map };"],
    ['streams/ (value import)', "import { startPipeline } from '../../streams/pipeline.ts';\nexport { startPipeline };"],
    ['streams/ (type-only import)', "import type { RunningPipeline } from '../../streams/pipeline.ts';\nexport type P = RunningPipeline;"],
    ['streams/ (re-export)', "export { retryTransient } from '../../streams/operators.ts';"],
    ['the emulators', "import { createOpenAiEmulator } from '../emulators/openai-emulator.ts';\nexport { createOpenAiEmulator };"],
    ['the demo', "import '../demo.ts';"],
  ])('production code in src/ importing %s fails the lint', async (_, code) => {
    const found = await violations('src/transcribe/some-new-file.ts', code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^no-restricted-imports: /);
  });

  it('names the boundary in its message, so the author knows why', async () => {
    const [rxjs] = await violations('src/pipeline/new-stage.ts', "import { timer } from 'rxjs';\nexport { timer };");
    expect(rxjs).toContain('RxJS lives only in streams/');
    const [emulator] = await violations('src/commands/new-command.ts', "export * from '../emulators/slack-emulator.ts';");
    expect(emulator).toContain('not in the production image');
  });

  it('keeps TypeScript syntax parseable without the TypeScript compiler API', async () => {
    const code = [
      "import type { Logger } from 'pino';",
      'export abstract class Stage<T extends object = {}> extends Object implements Iterable<T> {',
      '  protected abstract readonly log?: Logger;',
      '  override toString(): string { return `${(this as unknown as { a: 1 }).a satisfies 1}`; }',
      '  *[Symbol.iterator](): Iterator<T> {}',
      '}',
      'export enum Kind { A = 1 }',
      "export const k = <const T,>(v: T): T => v!;",
    ].join('\n');
    expect(await violations('src/pipeline/syntax.ts', code)).toEqual([]);
  });

  it.each(['src/transcribe/track-transcriber.ts', 'src/redact/redactor.ts', 'src/five9/call-enricher.ts', 'src/audio/x.ts'])(
    '%s may not import from pipeline/, not even a type (the old Redaction/Enrichment cycle)',
    async (file) => {
      const found = await violations(file, "import type { Redaction } from '../pipeline/process-recording.ts';\nexport type R = Redaction;");
      expect(found).toHaveLength(1);
      expect(found[0]).toContain('their types live with them');
    },
  );

  it('lets the pipeline import the stages and their types', async () => {
    const code = "import type { Redaction } from '../redact/redaction.ts';\nimport type { Enrichment } from '../five9/enrichment.ts';\nexport type P = [Redaction, Enrichment];";
    expect(await violations('src/pipeline/process-recording.ts', code)).toEqual([]);
  });

  it('lets the composition root wire streams/, but not rxjs or the emulators', async () => {
    expect(await violations('src/main.ts', "import { startRecordingFlow } from '../streams/recording-flow.ts';\nexport { startRecordingFlow };")).toEqual([]);
    expect(await violations('src/main.ts', "import { Subject } from 'rxjs';\nexport { Subject };")).toHaveLength(1);
    expect(await violations('src/main.ts', "import { createSlackEmulator } from './emulators/slack-emulator.ts';\nexport { createSlackEmulator };")).toHaveLength(1);
  });

  it('lets the demo use the emulators, but keeps streams/ free of them', async () => {
    const emulatorImport = "import { createOpenAiEmulator } from './emulators/openai-emulator.ts';\nexport { createOpenAiEmulator };";
    expect(await violations('src/demo.ts', emulatorImport)).toEqual([]);
    expect(await violations('src/emulators/notion/x.ts', "import { rich } from '../openai-emulator.ts';\nexport { rich };")).toEqual([]);
    expect(await violations('src/emulators/x.ts', "import { of } from 'rxjs';\nexport { of };")).toHaveLength(1);
    expect(await violations('streams/new-source.ts', "import { createOpenAiEmulator } from '../src/emulators/openai-emulator.ts';\nexport { createOpenAiEmulator };")).toHaveLength(1);
    expect(await violations('streams/new-source.ts', "import { of } from 'rxjs';\nexport { of };")).toEqual([]);
  });
});
