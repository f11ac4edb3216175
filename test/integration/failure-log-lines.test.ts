import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { runRecpipe } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('log lines an operator can act on (real run --once)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-loglines-'));
  });
  afterAll(async () => {
    await running.close();
  });

  it('every retry and failure line names the file and seq; a long call logs each chunk at info', async () => {
    const dataDir = path.join(root, 'data');
    const inbox = path.join(dataDir, 'inbox', 'Sales');
    await mkdir(inbox, { recursive: true });
    await writeTestAudio(path.join(inbox, 'long call.wav'), { seconds: 130, seed: 4100 });
    await writeFile(path.join(inbox, 'broken.wav'), 'RIFF this is not audio at all');
    emulator.faults.enqueue({ status: 503, count: 2 });

    const run = await runRecpipe(['run', '--once'], {
      DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: running.url,
      INBOX_STABLE_MS: '0',
      WATCH_INBOX: 'false',
      CONCURRENCY: '1',
      RETRY_BASE_DELAY_MS: '20',
      RETRY_MAX_DELAY_MS: '100',
      SILENCE_CUT: 'false',
      CHUNK_MAX_SECONDS: '60',
    }, root);
    expect(run.stdout).toMatch(/summary: 1 done, 1 failed/);
    const logs = jsonLines(run.stderr);

    const retries = logs.filter((l) => l.msg === 'transient error, retrying the stage');
    expect(retries.length).toBe(2);
    for (const line of retries) expect(line).toMatchObject({ file: 'Sales/long call.wav', seq: expect.any(Number) });
    const failures = logs.filter((l) => l.msg === 'recording failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ file: 'Sales/broken.wav', seq: expect.any(Number), level: 40 });
    // nothing at warn or above leaves the operator guessing which recording it was about
    expect(logs.filter((l) => (l.level as number) >= 40 && !/^DATA_DIR held files/.test(String(l.msg)) && l.file === undefined && l.path === undefined && l.inbox === undefined)).toEqual([]);

    const chunks = logs.filter((l) => typeof l.msg === 'string' && /^chunk \d+\/\d+ transcribed in [\d.]+ s$/.test(l.msg));
    expect(chunks.map((l) => `${l.chunk}/${l.chunks}`)).toEqual(['1/3', '2/3', '3/3']);
    for (const line of chunks) expect(line).toMatchObject({ level: 30, file: 'Sales/long call.wav', recordingId: expect.any(String), seconds: expect.any(Number) });
  }, 180_000);
});
